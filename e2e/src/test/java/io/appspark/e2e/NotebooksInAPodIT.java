package io.appspark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.appspark.launcher.it.Cli;
import io.appspark.testing.kubernetes.AppDeployments;
import io.appspark.testing.kubernetes.EnableRealNode;
import io.appspark.testing.kubernetes.RealNode;
import io.appspark.testing.kubernetes.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notebooks in a pod, as an app team deploys them: the JupyterLab image built here ({@code
 * notebooks/image/build.sh}, FROM the Spark image) and imported into the node, the kustomize
 * component {@code notebooks/deploy/jupyterlab} applied with the app's names, the pod labelled as
 * the cluster's client; it executes the notebooks against a cluster of {@code appspark up
 * --kubernetes --connect}, classic PySpark (the driver in the notebook's pod, authenticated with
 * the cluster's Secret, the cluster's driver settings from its ConfigMap) and Spark Connect (no
 * token, plaintext, as the server is deployed), and the version check asks the live server.
 */
@EnableRealNode
class NotebooksInAPodIT {
  private static final String APP = "lab";
  // 01 and 04 run classic drivers in the notebook's pod, 02 uses Spark Connect. 03 writes a data
  // set that the Connect server must read back: that needs storage shared by the pods (S3A).
  private static final List<String> NOTEBOOKS =
      List.of("01-classic-pyspark.ipynb", "02-spark-connect.ipynb", "04-autoscaling.ipynb");
  private static final Duration NOTEBOOKS_RUN = Duration.ofMinutes(25);

  private final KubernetesClient client;
  private final String ns;
  private final RealNode node;
  private final ClusterPods pods;
  @TempDir Path dir;

  NotebooksInAPodIT(KubernetesClient client, TestNamespace namespace, RealNode node) {
    this.client = client;
    this.ns = namespace.name();
    this.node = node;
    this.pods = new ClusterPods(client, ns, APP);
  }

  @Test
  void theNotebooksRunInAJupyterLabPodAgainstTheClusterClassicAndThroughSparkConnect()
      throws Exception {
    Path root = projectRoot();
    String image = jupyterImage(root);
    AppDeployments.ensure(client, ns, APP, node.pauseImage());
    // The cluster runs the JupyterLab image too: executors start Python workers (01 runs Python
    // on them), and those need the notebook's Python and packages, which the Spark image lacks.
    // No autoscaler: the Connect server's 1 core, the master's 500m, a 300m worker and the
    // notebook's 100m fill the node's two cores.
    Path spec = dir.resolve("lab.yaml");
    Files.writeString(
        spec,
        """
        name: lab
        workers: {min: 1, max: 1, initial: 1, cores: 2, memory: 1g}
        connect: {enabled: true}
        kubernetes:
          worker: {cpu: 300m}
        """);
    Cli cli = new Cli(dir, Map.of("KUBECONFIG", node.controlPlane().kubeconfig().toString()));
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
            "--no-autoscaler",
            "--timeout",
            "400");
    assertThat(up.exitCode()).as(Cli.text(up)).isZero();

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
    assertThat(executed(pod, "04-autoscaling.ipynb"))
        .as("the cluster's driver settings reached the notebook's driver (its ConfigMap)")
        .contains("dynamic allocation: true")
        .contains("78498 primes below 1,000,000");

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
            .formatted(ns, component, image.substring(0, colon), image.substring(colon + 1)));
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
    command.add("--kubeconfig=" + node.controlPlane().kubeconfig());
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
