package io.appspark.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.testing.vault.EnableVault;
import io.appspark.testing.vault.VaultServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plants distinctive secret values (one in Vault, one in the environment), runs a real local
 * cluster and a driver that uses them, then looks for the values everywhere they must not be: every
 * file the cluster wrote (logs, executors' work directories, state and conf files), the CLI's own
 * output, {@code render} output, and the driver UI's environment endpoint. The driver and the
 * executors must nevertheless have them (compared by hash).
 */
@EnableVault
class SecretLeakIT {
  private static final String CLUSTER = "leaks";
  private static final String S3_KEY = "spark.hadoop.fs.s3a.secret.key";
  private static final String DB_KEY = "spark.appspark.test.dbConnection";

  @TempDir Path stateDir;
  private Cli cli;
  private final String vaultValue = "VAULTCANARY" + UUID.randomUUID().toString().replace("-", "");
  private final String envValue = "ENVCANARY" + UUID.randomUUID().toString().replace("-", "");

  @AfterEach
  void tearDown() {
    if (cli != null) {
      cli.run("down", "--name", CLUSTER);
      cli.killAll(CLUSTER);
    }
  }

  @Test
  void valuesFromVaultAndTheEnvironmentReachSparkButNoFileRenderOutputOrEnvironmentPage(
      VaultServer vault) throws IOException {
    String app = "leak-" + UUID.randomUUID();
    vault.putKv2("secret", app, Map.of("s3SecretKey", vaultValue));
    vault.policy("read-" + app, "path \"secret/data/" + app + "\" { capabilities = [\"read\"] }\n");
    String token = vault.token(List.of("read-" + app), "30m");

    runAndScan(
        Map.of(
            "VAULT_ADDR",
            vault.address(),
            "VAULT_TOKEN",
            token,
            "VAULT_CACERT",
            vault.caCertificate().toString(),
            "APPSPARK_TEST_DB",
            envValue),
        Map.of(S3_KEY, "vault:secret/data/" + app + "#s3SecretKey", DB_KEY, "env:APPSPARK_TEST_DB"),
        Map.of(S3_KEY, vaultValue, DB_KEY, envValue),
        List.of(token));
  }

  @Test
  void valuesFromTheEnvironmentAndAFileReachSparkButNoFileRenderOutputOrEnvironmentPage()
      throws IOException {
    Path secretFile = Files.createTempFile("appspark-leak", ".secret");
    try {
      Files.writeString(secretFile, vaultValue + "\n");

      runAndScan(
          Map.of("APPSPARK_TEST_DB", envValue),
          Map.of(S3_KEY, "file:" + secretFile, DB_KEY, "env:APPSPARK_TEST_DB"),
          Map.of(S3_KEY, vaultValue, DB_KEY, envValue),
          List.of());
    } finally {
      Files.deleteIfExists(secretFile);
    }
  }

  /**
   * Starts the cluster from a spec holding {@code references}, runs the probe driver, renders the
   * spec, and checks that the values reached the driver and executors and appear nowhere else.
   */
  private void runAndScan(
      Map<String, String> env,
      Map<String, String> references,
      Map<String, String> values,
      List<String> otherSecrets)
      throws IOException {
    cli = new Cli(stateDir, env);
    Path spec = stateDir.resolve("spec.yaml");
    StringBuilder yaml =
        new StringBuilder("name: " + CLUSTER + "\nworkers: {initial: 1, max: 1}\nsparkConf:\n");
    references.forEach((k, v) -> yaml.append("  ").append(k).append(": ").append(v).append('\n'));
    Files.writeString(spec, yaml);

    Cli.Result up = cli.upDetached(spec);
    assertThat(up.exitCode()).as(Cli.text(up)).isZero();
    List<String> submit =
        new ArrayList<>(
            List.of(
                "submit",
                "--name",
                CLUSTER,
                "--class",
                "io.appspark.examples.SecretSettingsProbe",
                "--conf",
                "spark.dynamicAllocation.enabled=false",
                Cli.EXAMPLES_JAR.toString()));
    submit.addAll(references.keySet());
    Cli.Result job = cli.run(java.time.Duration.ofMinutes(10), submit.toArray(String[]::new));
    Cli.Result render =
        cli.run(
            "render",
            "-n",
            "shop",
            "--owner",
            "deployment/shop",
            "--owner-uid",
            "8d3f2c1e-0000-4000-8000-000000000001",
            "-f",
            spec.toString());

    assertThat(job.exitCode()).as(Cli.text(job)).isZero();
    String environment =
        job.out().lines().filter(l -> l.startsWith("ENVIRONMENT ")).findFirst().orElseThrow();
    values.forEach(
        (key, value) -> {
          assertThat(job.out())
              .as("the driver and the executors have " + key)
              .contains(
                  "HASH "
                      + key
                      + " driver="
                      + sha256(value)
                      + " executors=["
                      + sha256(value)
                      + "]");
          assertThat(environment)
              .as("the environment page shows " + key + " redacted")
              .contains("\"" + key + "\", \"*********(redacted)\"");
        });
    assertThat(render.exitCode()).as(Cli.text(render)).isZero();
    references.values().forEach(ref -> assertThat(render.out()).contains(ref));

    List<String> secrets = new ArrayList<>(values.values());
    secrets.addAll(otherSecrets);
    new SecretScan()
        .text("up", Cli.text(up))
        .text("submit", Cli.text(job))
        .text("render", Cli.text(render))
        .filesUnder(cli.clusterDir(CLUSTER))
        .assertNoneOf(secrets);
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
