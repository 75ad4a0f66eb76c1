package io.appspark.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.launcher.it.Cli;
import io.appspark.testing.kubernetes.AppDeployments;
import io.appspark.testing.kubernetes.EnableRealNode;
import io.appspark.testing.kubernetes.RealNode;
import io.appspark.testing.kubernetes.TestNamespace;
import io.appspark.testing.storage.S3Server;
import io.appspark.testing.vault.VaultKubernetesAuth;
import io.appspark.testing.vault.VaultServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets and storage from pods, on the real node: the cluster's spec names its S3 keys in Vault
 * only; a driver pod logs in to Vault with Kubernetes auth using its own service-account token
 * (projected by the kubelet), and its executors, in the worker pods, write and read Parquet on a
 * real S3-compatible server with those keys. Vault and the S3 server are processes of this machine
 * listening on the node's address on the pod bridge, reachable from pods and nowhere else.
 */
@EnableRealNode
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsFromPodsIT {
  private static final String APP = "lake";
  private static final String BUCKET = "lake";
  private static final String VAULT_SECRET = "lake-app";
  private static final String DRIVER_ACCOUNT = "lake-driver";
  private static final String VAULT_CA = "vault-ca";

  private final KubernetesClient client;
  private final String ns;
  private final RealNode node;
  private final ClusterPods pods;
  private final String accessKey = "AK" + UUID.randomUUID().toString().replace("-", "");
  private final String secretKey = "SK-" + UUID.randomUUID();
  private S3Server s3;
  private VaultServer vault;

  SecretsFromPodsIT(KubernetesClient client, TestNamespace namespace, RealNode node) {
    this.client = client;
    this.ns = namespace.name();
    this.node = node;
    this.pods = new ClusterPods(client, ns, APP);
  }

  @BeforeAll
  void serversAndCluster(@TempDir Path dir) throws Exception {
    s3 = S3Server.start(node.nodeIp(), accessKey, secretKey, List.of(BUCKET));
    vault = VaultServer.listeningOn(node.nodeIp());
    vault.putKv2(
        "secret", VAULT_SECRET, Map.of("s3AccessKey", accessKey, "s3SecretKey", secretKey));
    VaultKubernetesAuth auth = VaultKubernetesAuth.enable(vault, client, node.controlPlane(), ns);
    auth.allowRead(APP, ns, DRIVER_ACCOUNT, VAULT_SECRET);
    pods.createServiceAccounts(List.of(DRIVER_ACCOUNT, "stranger"));
    pods.createCaConfigMap(VAULT_CA, vault.caCertificate());

    AppDeployments.ensure(client, ns, APP, node.pauseImage());
    Path spec = dir.resolve("lake.yaml");
    Files.writeString(
        spec,
        """
        name: lake
        workers: {min: 1, max: 1, initial: 1, cores: 1, memory: 1g}
        kubernetes:
          worker: {cpu: 300m}
        sparkConf:
          spark.hadoop.fs.s3a.access.key: vault:secret/data/%s#s3AccessKey
          spark.hadoop.fs.s3a.secret.key: vault:secret/data/%s#s3SecretKey
          spark.hadoop.fs.s3a.endpoint: %s
          spark.hadoop.fs.s3a.endpoint.region: us-east-1
          spark.hadoop.fs.s3a.path.style.access: "true"
          spark.hadoop.fs.s3a.multiobjectdelete.enable: "false"
          spark.dynamicAllocation.enabled: "false"
        """
            .formatted(VAULT_SECRET, VAULT_SECRET, s3.endpoint()));
    Cli cli = pods.teamCli(node.controlPlane(), dir);
    Cli.Result up = pods.up(cli, spec, node.sparkImage(), 1);
    assertThat(up.exitCode()).as(Cli.text(up)).isZero();
    assertThat(up.out()).contains("1 ready (registered with the master)");
    assertThat(Cli.text(up)).doesNotContain(accessKey).doesNotContain(secretKey);
  }

  @AfterAll
  void stopServers() {
    if (vault != null) {
      vault.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void executorsInPodsWriteAndReadS3WithKeysOnlyVaultHoldsFetchedByTheDriversServiceAccount() {
    Pod done = pods.runToEnd(driver("round-trip", DRIVER_ACCOUNT, "s3a://lake/orders"));
    String log = pods.log("round-trip");

    assertThat(done.getStatus().getPhase()).as(log).isEqualTo("Succeeded");
    assertThat(log).contains("PARQUET rows=1000 sumOfIds=500500 badNames=0");
    assertThat(s3.objectKeys(BUCKET, "orders/"))
        .as("Parquet parts the executors wrote")
        .anyMatch(k -> k.startsWith("orders/part-") && k.endsWith(".parquet"));
    assertNoKeyInLogsOrObjects();
  }

  @Test
  void aPodOfAnotherServiceAccountIsRefusedByVaultAndItsDriverNeverStarts() {
    Pod done = pods.runToEnd(driver("stranger", "stranger", "s3a://lake/stolen"));
    String log = pods.log("stranger");

    assertThat(done.getStatus().getPhase()).as(log).isEqualTo("Failed");
    assertThat(ClusterPods.terminated(done)).contains(2);
    assertThat(log)
        .contains("appspark: secret vault:secret/data/" + VAULT_SECRET + "#s3")
        .contains("login failed")
        .doesNotContain("SparkContext");
    assertThat(s3.objectKeys(BUCKET, "stolen/")).isEmpty();
    assertNoKeyInLogsOrObjects();
  }

  /**
   * The image's driver role, as an app's pod runs it, with a Vault login by the pod's own
   * service-account token (the kubelet's projected, audience-bound, expiring one).
   */
  private Pod driver(String name, String account, String uri) {
    Pod base =
        new DriverPod(
                name,
                APP,
                APP,
                node.sparkImage(),
                List.of("driver", "io.appspark.examples.ParquetRoundTrip", uri, "1000", "4"))
            .pod();
    return new PodBuilder(base)
        .editSpec()
        .withServiceAccountName(account)
        .withAutomountServiceAccountToken(true)
        .editFirstContainer()
        .addNewEnv()
        .withName("VAULT_ADDR")
        .withValue(vault.address())
        .endEnv()
        .addNewEnv()
        .withName("VAULT_CACERT")
        .withValue("/etc/vault-ca/ca.pem")
        .endEnv()
        .addNewEnv()
        .withName("APPSPARK_VAULT_K8S_ROLE")
        .withValue(APP)
        .endEnv()
        .addNewVolumeMount()
        .withName(VAULT_CA)
        .withMountPath("/etc/vault-ca")
        .withReadOnly(true)
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName(VAULT_CA)
        .withNewConfigMap()
        .withName(VAULT_CA)
        .endConfigMap()
        .endVolume()
        .endSpec()
        .build();
  }

  /**
   * Neither key is in a pod's log, a pod's spec (command lines, environment), a ConfigMap or an
   * Event of the namespace: the spec and the cluster's ConfigMap hold the references only.
   */
  private void assertNoKeyInLogsOrObjects() {
    List<String> keys = List.of(accessKey, secretKey);
    pods.assertNoneInLogsOrObjects(keys);
    assertThat(String.valueOf(client.configMaps().inNamespace(ns).list().getItems()))
        .contains("vault:secret/data/" + VAULT_SECRET + "#s3SecretKey");
    assertThat(new String(readAll(vault.log()), StandardCharsets.UTF_8))
        .as("Vault's own log")
        .doesNotContain(keys);
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
