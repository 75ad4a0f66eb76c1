package io.appspark.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.testing.storage.HdfsServer;
import io.appspark.testing.storage.S3Server;
import io.appspark.testing.vault.EnableVault;
import io.appspark.testing.vault.VaultServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage through the Hadoop client on a real local cluster: a Spark job writes Parquet to a real
 * S3-compatible server (S3A) and to a real HDFS, and reads it back on the executors. The S3 keys
 * exist only in Vault: the cluster's spec names them with {@code vault:} references, and {@code
 * submit} resolves them in memory. Afterwards no file the cluster wrote and no CLI output holds a
 * key or the Vault token.
 */
@EnableVault
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorageIT {
  private static final String CLUSTER = "storage";
  private static final String BUCKET = "warehouse";
  private static final long ROWS = 1000;
  private static final String ROUND_TRIP = "PARQUET rows=1000 sumOfIds=500500 badNames=0";

  @TempDir static Path stateDir;

  private final String accessKey = "AKIA" + HexFormat.of().formatHex(randomBytes(8)).toUpperCase();
  private final String secretKey = "S3SECRET" + UUID.randomUUID().toString().replace("-", "");
  private String vaultToken;
  private S3Server s3;
  private Cli cli;
  private Cli.Result up;

  @BeforeAll
  void startTheS3ServerAndACluster(VaultServer vault) throws IOException {
    s3 = S3Server.start(accessKey, secretKey, List.of(BUCKET));
    String app = "storage-" + UUID.randomUUID();
    vault.putKv2("secret", app, Map.of("s3AccessKey", accessKey, "s3SecretKey", secretKey));
    vault.policy("read-" + app, "path \"secret/data/" + app + "\" { capabilities = [\"read\"] }\n");
    vaultToken = vault.token(List.of("read-" + app), "30m");
    cli =
        new Cli(
            stateDir,
            Map.of(
                "VAULT_ADDR", vault.address(),
                "VAULT_TOKEN", vaultToken,
                "VAULT_CACERT", vault.caCertificate().toString()));

    String ref = "vault:secret/data/" + app + "#";
    Path spec = stateDir.resolve("spec.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "name: " + CLUSTER,
            "workers: {initial: 1, max: 1}",
            "sparkConf:",
            "  spark.hadoop.fs.s3a.access.key: " + ref + "s3AccessKey",
            "  spark.hadoop.fs.s3a.secret.key: " + ref + "s3SecretKey",
            "  spark.hadoop.fs.s3a.endpoint: " + s3.endpoint(),
            "  spark.hadoop.fs.s3a.endpoint.region: us-east-1",
            "  spark.hadoop.fs.s3a.path.style.access: \"true\"",
            "  spark.hadoop.fs.s3a.connection.ssl.enabled: \"false\"",
            // s3proxy refuses the CRC32 header the AWS SDK puts on bulk deletes
            "  spark.hadoop.fs.s3a.multiobjectdelete.enable: \"false\"",
            ""));
    assertThat(Files.readString(spec)).doesNotContain(accessKey).doesNotContain(secretKey);

    up = cli.upDetached(spec);
    assertThat(up.exitCode()).as(Cli.text(up)).isZero();
  }

  @AfterAll
  void stopEverything() {
    if (cli != null) {
      cli.run("down", "--name", CLUSTER);
      cli.killAll(CLUSTER);
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void aJobWritesParquetToS3AndReadsItBackWithKeysThatOnlyVaultHolds() {
    Cli.Result job = roundTrip("s3a://" + BUCKET + "/orders");

    assertThat(job.exitCode()).as(Cli.text(job)).isZero();
    assertThat(job.out()).contains(ROUND_TRIP);
    List<String> objects = s3.objectKeys(BUCKET, "orders/");
    assertThat(objects).as("objects in the S3 server's store").contains("orders/_SUCCESS");
    assertThat(objects).anyMatch(k -> k.matches("orders/part-[^/]+\\.parquet"));
    assertThat(s3.anonymousGetStatus(BUCKET, "orders/_SUCCESS"))
        .as("the S3 server serves nobody without the keys")
        .isEqualTo(403);
    assertNoSecretIn(job);
  }

  @Test
  void aJobWritesParquetToHdfsAndReadsItBack() {
    try (HdfsServer hdfs = HdfsServer.start()) {
      Cli.Result job = roundTrip(hdfs.uri() + "/warehouse/orders");

      assertThat(job.exitCode()).as(Cli.text(job)).isZero();
      assertThat(job.out()).contains(ROUND_TRIP);
      List<String> files = hdfs.list("/warehouse/orders");
      assertThat(files).as("files in HDFS").contains("_SUCCESS");
      assertThat(files).anyMatch(f -> f.matches("part-[^/]+\\.parquet"));
      assertNoSecretIn(job);
    }
  }

  private Cli.Result roundTrip(String uri) {
    return cli.run(
        Duration.ofMinutes(10),
        "submit",
        "--name",
        CLUSTER,
        "--class",
        "io.appspark.examples.ParquetRoundTrip",
        "--conf",
        "spark.dynamicAllocation.enabled=false",
        Cli.EXAMPLES_JAR.toString(),
        uri,
        Long.toString(ROWS),
        "4");
  }

  private void assertNoSecretIn(Cli.Result job) {
    new SecretScan()
        .text("up", Cli.text(up))
        .text("submit", Cli.text(job))
        .filesUnder(cli.clusterDir(CLUSTER))
        .assertNoneOf(List.of(accessKey, secretKey, vaultToken));
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
