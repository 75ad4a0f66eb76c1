package io.appspark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.appspark.launcher.it.Cli;
import io.appspark.testing.kubernetes.AppDeployments;
import io.appspark.testing.kubernetes.EnableRealNode;
import io.appspark.testing.kubernetes.NamespaceAdmin;
import io.appspark.testing.kubernetes.RealNode;
import io.appspark.testing.kubernetes.TestNamespace;
import io.appspark.testing.storage.S3Server;
import io.appspark.testing.vault.VaultKubernetesAuth;
import io.appspark.testing.vault.VaultServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notebooks in a pod, as an app team deploys them: the JupyterLab image built here ({@code
 * notebooks/image/build.sh}, FROM the Spark image) and imported into the node, the kustomize
 * component {@code notebooks/deploy/jupyterlab} applied with the app's names, the pod labelled as
 * the cluster's client; it executes the notebooks against a cluster of {@code appspark up
 * --kubernetes} with its autoscaler and a Spark Connect server, classic PySpark (the driver in the
 * notebook's pod, authenticated with the cluster's Secret, the cluster's driver settings from its
 * ConfigMap) and Spark Connect (no token, plaintext, as the server is deployed), and the version
 * check asks the live server. The app's storage is an S3 bucket whose keys only Vault holds: the
 * spec names them by {@code vault:} references, and the Connect server's pod, run as a service
 * account of the app's ({@code kubernetes.connect.serviceAccount}), logs in to Vault with its token
 * and resolves them, so that its executors in the worker pods write the notebook's data set there
 * and it reads it back. Vault and the S3 server are processes of this machine on the node's bridge
 * address, as in {@link SecretsFromPodsIT}.
 */
@EnableRealNode
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebooksInAPodIT {
  private static final String APP = "lab";
  // 01 and 04 run classic drivers in the notebook's pod; 02 and 03 use Spark Connect, and 03
  // writes a data set to the app's storage (S3A) that the Connect server reads back.
  private static final List<String> NOTEBOOKS =
      List.of(
          "01-classic-pyspark.ipynb",
          "02-spark-connect.ipynb",
          "03-analysis-chart.ipynb",
          "04-autoscaling.ipynb");
  private static final Duration NOTEBOOKS_RUN = Duration.ofMinutes(25);
  private static final String BUCKET = "lab-data";
  private static final String VAULT_SECRET = "lab-storage";
  private static final String CONNECT_ACCOUNT = "lab-connect";
  private static final String VAULT_CA = "vault-ca";

  private final KubernetesClient client;
  private final String ns;
  private final RealNode node;
  private final ClusterPods pods;
  private final String accessKey = "AK" + UUID.randomUUID().toString().replace("-", "");
  private final String secretKey = "SK-" + UUID.randomUUID();
  private S3Server s3;
  private VaultServer vault;
  @TempDir Path dir;
  private Path teamKubeconfig;

  NotebooksInAPodIT(KubernetesClient client, TestNamespace namespace, RealNode node) {
    this.client = client;
    this.ns = namespace.name();
    this.node = node;
    this.pods = new ClusterPods(client, ns, APP);
  }

  /**
   * The S3 bucket, and Vault holding its keys for the service account the Connect server runs as
   * (an account of the app's: appspark creates none), with its CA in a ConfigMap.
   */
  @BeforeAll
  void storageWithKeysOnlyVaultHolds() throws IOException {
    s3 = S3Server.start(node.nodeIp(), accessKey, secretKey, List.of(BUCKET));
    vault = VaultServer.listeningOn(node.nodeIp());
    vault.putKv2(
        "secret", VAULT_SECRET, Map.of("s3AccessKey", accessKey, "s3SecretKey", secretKey));
    VaultKubernetesAuth.enable(vault, client, node.controlPlane(), ns)
        .allowRead(APP, ns, CONNECT_ACCOUNT, VAULT_SECRET);
    pods.createServiceAccounts(List.of(CONNECT_ACCOUNT));
    pods.createCaConfigMap(VAULT_CA, vault.caCertificate());
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
  void theNotebooksRunInAJupyterLabPodAgainstTheClusterClassicAndThroughSparkConnect()
      throws Exception {
    Path root = projectRoot();
    String image = jupyterImage(root);
    AppDeployments.ensure(client, ns, APP, node.pauseImage());
    // The cluster runs the JupyterLab image too: executors start Python workers (01 runs Python
    // on them), and those need the notebook's Python and packages, which the Spark image lacks.
    // The node's two cores: the master's 500m, the autoscaler's two replicas of 250m, the
    // Connect server's 300m (kubernetes.connect.cpu), the notebook's 100m and two workers of
    // 300m. The Connect server logs in to Vault as its service account to read the S3 keys.
    Path spec = dir.resolve("lab.yaml");
    Files.writeString(
        spec,
        """
        name: lab
        workers: {min: 1, max: 2, initial: 1, cores: 2, memory: 1g}
        connect: {enabled: true}
        sparkConf:
          spark.hadoop.fs.s3a.access.key: vault:secret/data/%s#s3AccessKey
          spark.hadoop.fs.s3a.secret.key: vault:secret/data/%s#s3SecretKey
          spark.hadoop.fs.s3a.endpoint: %s
          spark.hadoop.fs.s3a.endpoint.region: us-east-1
          spark.hadoop.fs.s3a.path.style.access: "true"
          spark.hadoop.fs.s3a.multiobjectdelete.enable: "false"
        kubernetes:
          connect:
            cpu: 300m
            memory: 1536Mi
            env:
              VAULT_ADDR: %s
              VAULT_CACERT: /etc/vault-ca/ca.pem
              APPSPARK_VAULT_K8S_ROLE: %s
            volumes:
              - {name: vault-ca, mountPath: /etc/vault-ca, configMap: %s, readOnly: true}
            serviceAccount: %s
          worker: {cpu: 300m}
        """
            .formatted(
                VAULT_SECRET,
                VAULT_SECRET,
                s3.endpoint(),
                vault.address(),
                APP,
                VAULT_CA,
                CONNECT_ACCOUNT));
    // The app team applies and runs everything: a user with only the namespace's admin role.
    teamKubeconfig = NamespaceAdmin.kubeconfig(node.controlPlane(), client, ns, dir);
    Cli cli = new Cli(dir, Map.of("KUBECONFIG", teamKubeconfig.toString()));
    Cli.Result up =
        cli.run(
            Duration.ofMinutes(8),
            "up",
            "--kubernetes",
            "-n",
            ns,
            "-f",
            spec.toString(),
            "--owner",
            "deployment/" + APP,
            "--image",
            image,
            "--timeout",
            "400");
    assertThat(up.exitCode()).as(Cli.text(up)).isZero();
    assertThat(Cli.text(up)).doesNotContain(accessKey).doesNotContain(secretKey);
    pods.awaitAutoscalerLeader();

    String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(APP + "-jupyterlab")
                .endMetadata()
                .withStringData(Map.of("token", token))
                .build())
        .create();
    Path overlay = overlay(root, image);
    Run apply = kubectl(Duration.ofMinutes(2), "apply", "--server-side", "-k", overlay.toString());
    assertThat(apply.code()).as(apply.out()).isZero();
    await("JupyterLab ready by its own probe (GET /api)")
        .atMost(ClusterPods.POD_WORK)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> jupyterPod() != null && ClusterPods.ready(jupyterPod()));
    String pod = jupyterPod().getMetadata().getName();
    await("the Connect server ready")
        .atMost(ClusterPods.POD_WORK)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> pods.withRole("connect").stream().anyMatch(ClusterPods::ready));

    List<String> execute =
        new ArrayList<>(
            List.of(
                "exec",
                pod,
                "-c",
                "jupyterlab",
                "--",
                "/opt/spark/bin/appspark-nss-wrapper",
                "python",
                "/opt/notebook/bin/execute_notebooks.py",
                "/tmp/executed"));
    NOTEBOOKS.forEach(n -> execute.add("/opt/notebook/notebooks/" + n));
    Run run = kubectl(NOTEBOOKS_RUN, execute.toArray(String[]::new));
    System.out.println(run.out());
    assertThat(run.out()).as(run.out()).doesNotContain("FAIL notebook");
    for (String notebook : NOTEBOOKS) {
      assertThat(run.out()).as(run.out()).contains("PASS notebook " + notebook);
    }
    assertThat(run.code()).as(run.out()).isZero();

    // Outputs that say the notebook really was a driver of this cluster, with its settings.
    assertThat(executed(pod, "01-classic-pyspark.ipynb"))
        .contains("driver here, executors from spark://lab-spark-master:7077");
    assertThat(executed(pod, "02-spark-connect.ipynb"))
        .contains("client PySpark 4.2.0 / server Spark 4.2.0");
    assertThat(executed(pod, "03-analysis-chart.ipynb"))
        .as("the data set is in the app's storage, and the chart's checks held")
        .contains("data set: s3a://" + BUCKET + "/notebooks/sales.parquet")
        .contains("region with the highest revenue: south");
    assertThat(s3.objectKeys(BUCKET, "notebooks/sales.parquet/"))
        .as("Parquet parts the Connect server's executors wrote")
        .anyMatch(k -> k.contains("/part-") && k.endsWith(".parquet"));
    assertThat(executed(pod, "04-autoscaling.ipynb"))
        .as("the cluster's driver settings reached the notebook's driver (its ConfigMap)")
        .contains("dynamic allocation: true")
        .contains("78498 primes below 1,000,000")
        .contains("autoscaler:         http://lab-autoscaler:8090")
        .contains("<- this notebook");

    // The version check against the live Connect server: a client that says it is 4.1.3, with
    // no local hint of the cluster's version, is refused on the server's own word.
    Run skew =
        kubectl(
            Duration.ofMinutes(3),
            "exec",
            pod,
            "-c",
            "jupyterlab",
            "--",
            "python",
            "-c",
            "import appspark_notebook as a\n"
                + "a.pyspark_version = lambda: '4.1.3'\n"
                + "a.cluster_spark_version = lambda env=None: None\n"
                + "try:\n"
                + "    a.connect_session()\n"
                + "    print('ACCEPTED')\n"
                + "except a.VersionMismatch as e:\n"
                + "    print('REFUSED', e.cluster_version, '|', e)\n");
    assertThat(skew.out())
        .as(skew.out())
        .contains(
            "REFUSED 4.2.0 | notebook has PySpark 4.1.3, the in-app cluster runs Spark 4.2.0");

    pods.assertNoSecretInLogs();
    assertThat(client.pods().inNamespace(ns).withName(pod).getLog()).doesNotContain(token);
    assertTheConnectServerReadTheKeysFromVaultAndNothingHoldsThem(pod);
  }

  /**
   * The Connect server runs as the app's account with its token, and its spec names the keys by
   * reference only: what it wrote to the bucket it wrote with keys from Vault. No pod log or spec,
   * ConfigMap, Event, executed notebook or Vault's own log holds a key.
   */
  private void assertTheConnectServerReadTheKeysFromVaultAndNothingHoldsThem(String notebookPod)
      throws Exception {
    Pod connect = pods.withRole("connect").get(0);
    assertThat(connect.getSpec().getServiceAccountName()).isEqualTo(CONNECT_ACCOUNT);
    assertThat(connect.getSpec().getAutomountServiceAccountToken()).isTrue();
    assertThat(pods.withRole("worker"))
        .allSatisfy(w -> assertThat(w.getSpec().getAutomountServiceAccountToken()).isFalse());
    List<String> keys = List.of(accessKey, secretKey);
    pods.assertNoneInLogsOrObjects(keys);
    assertThat(String.valueOf(client.configMaps().inNamespace(ns).list().getItems()))
        .contains("vault:secret/data/" + VAULT_SECRET + "#s3SecretKey");
    for (String notebook : NOTEBOOKS) {
      assertThat(executed(notebookPod, notebook)).as(notebook).doesNotContain(keys);
    }
    assertThat(readString(vault.log())).as("Vault's own log").doesNotContain(keys);
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Pod jupyterPod() {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel("app.kubernetes.io/name", "jupyterlab")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .findFirst()
        .orElse(null);
  }

  private String executed(String pod, String notebook) throws Exception {
    Run cat =
        kubectl(
            Duration.ofMinutes(1),
            "exec",
            pod,
            "-c",
            "jupyterlab",
            "--",
            "cat",
            "/tmp/executed/" + notebook);
    assertThat(cat.code()).as(cat.out()).isZero();
    return cat.out();
  }

  /**
   * The app's kustomization of the JupyterLab component (as {@code notebooks/deploy/example} does):
   * the app's names, its cluster's Services, Secret and ConfigMap, the client label, the image
   * built here, and a small CPU request for a two-core node.
   */
  private Path overlay(Path root, String image) throws IOException {
    Path overlay = Files.createDirectories(dir.resolve("jupyterlab"));
    Path component = overlay.relativize(root.resolve("notebooks/deploy/jupyterlab"));
    int colon = image.lastIndexOf(':');
    Files.writeString(
        overlay.resolve("kustomization.yaml"),
        """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        namespace: %s
        namePrefix: lab-
        components:
          - %s
        patches:
          - patch: |-
              apiVersion: v1
              kind: ConfigMap
              metadata:
                name: jupyterlab-cluster
              data:
                APPSPARK_CLUSTER: lab
                APPSPARK_MASTER_URL: spark://lab-spark-master:7077
                APPSPARK_MASTER_WEB_URL: http://lab-spark-master:8080
                APPSPARK_CONNECT_URL: sc://lab-spark-connect:15002
                APPSPARK_STORAGE: s3a://%s/notebooks
          - patch: |-
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: jupyterlab
              spec:
                template:
                  metadata:
                    labels:
                      appspark.io/client: lab
                  spec:
                    containers:
                      - name: jupyterlab
                        imagePullPolicy: Never
                        resources:
                          requests: {cpu: 100m, memory: 1Gi}
                        env:
                          - name: APPSPARK_AUTH_SECRET
                            valueFrom:
                              secretKeyRef: {name: lab-spark-auth, key: secret}
                          - name: JUPYTER_TOKEN
                            valueFrom:
                              secretKeyRef: {name: lab-jupyterlab, key: token}
                    volumes:
                      - name: driver-conf
                        configMap: {name: lab-spark-conf}
        images:
          - name: appspark-jupyterlab
            newName: %s
            newTag: "%s"
        """
            .formatted(
                ns, component, BUCKET, image.substring(0, colon), image.substring(colon + 1)));
    return overlay;
  }

  /**
   * Builds the JupyterLab image (cached by content: a second run costs about nothing) and imports
   * it into the node; returns its name as pods give it.
   */
  private String jupyterImage(Path root) throws Exception {
    long start = System.nanoTime();
    Run build =
        run(
            Duration.ofMinutes(20),
            List.of(
                root.resolve("notebooks/image/build.sh").toString(),
                "localhost/" + node.sparkImage()));
    assertThat(build.code()).as(build.out()).isZero();
    String[] lines = build.out().strip().split("\n");
    String built = lines[lines.length - 1].strip();
    System.out.printf(
        "JupyterLab image %s built in %.1f s%n", built, (System.nanoTime() - start) / 1e9);
    String alias = built.substring("localhost/".length());
    Run load =
        run(
            Duration.ofMinutes(10),
            List.of(
                root.resolve("testing/node/images.sh").toString(),
                node.stateDir().toString(),
                built,
                alias));
    assertThat(load.code()).as(load.out()).isZero();
    return alias;
  }

  private record Run(int code, String out) {}

  private Run kubectl(Duration timeout, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(node.controlPlane().kubectl().toString());
    command.add("--kubeconfig=" + teamKubeconfig);
    command.add("-n");
    command.add(ns);
    command.addAll(List.of(args));
    return run(timeout, command);
  }

  private Run run(Duration timeout, List<String> command) throws Exception {
    Path out = Files.createTempFile(dir, "run", ".out");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Run(-1, "timed out after " + timeout + ": " + Files.readString(out));
    }
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  private static Path projectRoot() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("notebooks/image/build.sh"))) {
        return p;
      }
    }
    throw new IllegalStateException("notebooks/image/build.sh not found above " + here);
  }
}
