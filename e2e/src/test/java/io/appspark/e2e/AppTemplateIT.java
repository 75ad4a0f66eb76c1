package io.appspark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.appspark.apptemplate.GeneratedProject;
import io.appspark.testing.kubernetes.EnableRealNode;
import io.appspark.testing.kubernetes.NamespaceAdmin;
import io.appspark.testing.kubernetes.RealNode;
import io.appspark.testing.kubernetes.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.client.OpenShiftClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The app template's routes on the real node, as its README tells a user: an app generated from the
 * archetype, its jar built (Maven, offline) and its image built with podman from the Spark image
 * the node has, imported into the node; then {@code kubectl apply -k} of its dev overlay
 * (client-side), and the OpenShift Template processed and applied. Each time the app's pod is the
 * driver: through its HTTP API it ingests, trains on its in-app cluster and predicts; the master
 * and the workers are Ready by their own probes; no log holds a secret; and deleting the app's
 * Deployment removes every object of the cluster, worker pods included.
 */
@EnableRealNode
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppTemplateIT {
  private static final String APP = "scorer";
  private static final String IMAGE = "localhost/" + APP + ":dev";
  private static final Duration DEPLOY = Duration.ofMinutes(6);

  /**
   * The one change to the app's spec: worker pods ask 300 millicores (the other e2e classes' size)
   * instead of a core, so that the app (500m), the master (500m), the autoscaler (250m each) and
   * two workers fit the node's two cores.
   */
  private static final String WORKER_CPU = "kubernetes:\n  worker: {cpu: 300m}\n";

  /** What a failed rollout leaves in the step's log: the pods, why they wait, the Events. */
  // Read with the suite's own kubeconfig: the app team may not read nodes.
  private static final String DIAGNOSE =
      "export KUBECONFIG=\"$SUITE_KUBECONFIG\"; \"$KUBECTL\" -n \"$NS\" get pods -o wide;"
          + " \"$KUBECTL\" -n \"$NS\" describe pods;"
          + " \"$KUBECTL\" -n \"$NS\" get events --sort-by=.lastTimestamp;"
          + " \"$KUBECTL\" describe node";

  private final KubernetesClient client;
  private final String ns;
  private final RealNode node;
  private Path project;
  private Path teamKubeconfig;

  AppTemplateIT(KubernetesClient client, TestNamespace namespace, RealNode node) {
    this.client = client;
    this.ns = namespace.name();
    this.node = node;
  }

  @BeforeAll
  void generateBuildAndImportTheApp() throws IOException {
    Path runs = Files.createDirectories(Path.of("target", "generated-apps").toAbsolutePath());
    // Everything is applied by the app team: a user holding only the namespace's admin role.
    teamKubeconfig =
        NamespaceAdmin.kubeconfig(
            node.controlPlane(), client, ns, Files.createTempDirectory(runs, "team"));
    project =
        GeneratedProject.generate(
            Files.createTempDirectory(runs, "node"),
            APP,
            List.of("-DsparkImage=" + node.sparkImage()));
    shell(
        "build",
        Map.of("MVN", GeneratedProject.maven(), "REPO", GeneratedProject.localRepository()),
        "\"$MVN\" -B -ntp -o -q -Dmaven.repo.local=\"$REPO\" package -DskipTests");
    shell(
        "image",
        Map.of(
            "SPARK_IMAGE",
            "localhost/" + node.sparkImage(),
            "IMAGE",
            IMAGE,
            "IMPORT",
            GeneratedProject.HOME.resolve("testing/node/images.sh").toString(),
            "STATE",
            node.stateDir().toString()),
        "podman build -q -t \"$IMAGE\" --build-arg SPARK_IMAGE=\"$SPARK_IMAGE\" -f Containerfile ."
            + " && \"$IMPORT\" \"$STATE\" \"$IMAGE\"");
  }

  @AfterAll
  void removeTheImage() {
    if (project == null) {
      return;
    }
    shell("rmi", Map.of("IMAGE", IMAGE), "podman rmi -f \"$IMAGE\" >/dev/null");
  }

  @Test
  void theDevOverlayAppliedWithKubectlRunsTheAppOnItsClusterAndGoesWithIt() throws Exception {
    Path overlay = Files.createDirectories(project.resolve("deploy/it-node"));
    Files.writeString(
        overlay.resolve("kustomization.yaml"),
        "resources:\n  - ../overlays/dev\nnamespace: "
            + ns
            + "\npatches:\n  - path: spec.yaml\n    target: {kind: ConfigMap, name: "
            + APP
            + "-spec}\n");
    Files.writeString(
        overlay.resolve("spec.yaml"),
        Serialization.asYaml(
            Map.of(
                "apiVersion",
                "v1",
                "kind",
                "ConfigMap",
                "metadata",
                Map.of("name", APP + "-spec"),
                "data",
                Map.of(
                    "appspark.yaml",
                    Files.readString(project.resolve("appspark.yaml")) + WORKER_CPU))));
    // The README's Deploy commands, in the test's namespace (the wrapper above sets it).
    kubectl(
        "deploy",
        "\"$KUBECTL\" -n \"$NS\" create secret generic "
            + APP
            + "-spark-auth --from-literal=secret=$(openssl rand -hex 32)"
            + " && \"$KUBECTL\" -n \"$NS\" create secret generic "
            + APP
            + "-secrets --from-literal=api-token=$(openssl rand -hex 16)"
            + " && \"$KUBECTL\" apply -k deploy/it-node"
            + " && { \"$KUBECTL\" -n \"$NS\" rollout status deployment/"
            + APP
            + " --timeout=360s || { "
            + DIAGNOSE
            + "; exit 1; }; }");
    ClusterPods pods = new ClusterPods(client, ns, APP);
    String token = pods.secretValue(APP + "-secrets", "api-token");
    Pod master = awaitTheClusterServesTheApp(APP, pods);

    AppService api = new AppService(appPod(APP).getStatus().getPodIP(), Optional.of(token));
    assertThat(api.postWithoutToken("/events")).isEqualTo(401);
    trainAndPredict(api);

    // The leader applied the master again at the start of its term, and a second apply -k: the
    // same configuration hash both times, so the master's pod template never changed.
    kubectl("apply-again", "\"$KUBECTL\" apply -k deploy/it-node");
    assertTheMasterNeverRestarted(APP, master);

    pods.assertNoSecretInLogs();
    pods.assertNoLogHolds(APP + "-secrets", "api-token");
    deleteTheAppAndAwaitTheClusterGone(APP, pods);
    assertThat(client.secrets().inNamespace(ns).withName(APP + "-secrets").get())
        .as("the Secret the user made is the user's")
        .isNotNull();
  }

  @Test
  void theOpenShiftTemplateProcessedAndAppliedRunsTheAppAndGoesWithIt() throws Exception {
    String app = APP + "-tpl";
    List<HasMetadata> objects = processedTemplate(app);
    Path processed = project.resolve("template-" + app + ".yaml");
    Files.writeString(
        processed, Serialization.asYaml(new KubernetesListBuilder().withItems(objects).build()));
    kubectl("template", "\"$KUBECTL\" -n \"$NS\" apply -f " + processed);
    ClusterPods pods = new ClusterPods(client, ns, app);
    Pod master = awaitTheClusterServesTheApp(app, pods);

    trainAndPredict(new AppService(appPod(app).getStatus().getPodIP(), Optional.empty()));
    assertTheMasterNeverRestarted(app, master);

    pods.assertNoSecretInLogs();
    deleteTheAppAndAwaitTheClusterGone(app, pods);
  }

  /**
   * The Template processed as {@code oc process} does it, with the node's images. Two changes: the
   * workers' CPU (see {@link #WORKER_CPU}), and no API token: the Template's app reads it from
   * Vault, which pods of this bed cannot reach yet, so its reference is left out (POSTs then need
   * no token).
   */
  private List<HasMetadata> processedTemplate(String app) {
    Map<String, String> parameters = new HashMap<>();
    parameters.put("APP_NAME", app);
    parameters.put("NAMESPACE", ns);
    parameters.put("IMAGE", IMAGE);
    parameters.put("SPARK_IMAGE", node.sparkImage());
    parameters.put("WORKERS_MIN", "1");
    parameters.put("WORKERS_MAX", "2");
    List<HasMetadata> objects =
        client
            .adapt(OpenShiftClient.class)
            .templates()
            .load(project.resolve("deploy/openshift/template.yaml").toFile())
            .processLocally(parameters)
            .getItems();
    for (HasMetadata o : objects) {
      if (o instanceof ConfigMap spec && spec.getMetadata().getName().equals(app + "-spec")) {
        spec.getData().merge("appspark.yaml", WORKER_CPU, String::concat);
      }
      if (o instanceof Deployment d && d.getMetadata().getName().equals(app)) {
        d.getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv()
            .removeIf(e -> e.getName().equals("API_TOKEN_REF"));
      }
    }
    return objects;
  }

  /**
   * The app Ready, the master and a worker Ready by their own probes (a worker only once its master
   * accepted it), and every object of the cluster owned by the app's Deployment: the leader adopted
   * what the manifests made. Returns the master's pod.
   */
  private Pod awaitTheClusterServesTheApp(String app, ClusterPods pods) {
    await(app + ": the app, the master and a worker ready")
        .atMost(DEPLOY)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                ClusterPods.ready(appPod(app))
                    && pods.withRole("master").stream().anyMatch(ClusterPods::ready)
                    && pods.workers().stream().anyMatch(ClusterPods::ready));
    String uid =
        client.apps().deployments().inNamespace(ns).withName(app).get().getMetadata().getUid();
    await(app + ": every object of the cluster owned by the app's Deployment")
        .atMost(DEPLOY)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(pods.clusterObjects())
                    .filteredOn(AppTemplateIT::ownedDirectly)
                    .allSatisfy(
                        o ->
                            assertThat(o.getMetadata().getOwnerReferences())
                                .as("%s %s", o.getKind(), o.getMetadata().getName())
                                .anySatisfy(ref -> assertThat(ref.getUid()).isEqualTo(uid))));
    return pods.withRole("master").get(0);
  }

  /** Not the master's and autoscaler's pods, which their ReplicaSets own. */
  private static boolean ownedDirectly(HasMetadata object) {
    return !(object instanceof Pod)
        || "worker".equals(object.getMetadata().getLabels().get("appspark.io/role"));
  }

  private void trainAndPredict(AppService api) throws Exception {
    api.ingestTwoClasses();
    JsonNode job = api.train();
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
    assertThat(api.predict(3.5, 3.0).path("label").asInt()).isEqualTo(1);
    assertThat(api.predict(0.3, 0.2).path("label").asInt()).isZero();
  }

  private void assertTheMasterNeverRestarted(String app, Pod master) {
    Deployment deployment =
        client.apps().deployments().inNamespace(ns).withName(app + "-spark-master").get();
    assertThat(deployment.getMetadata().getGeneration())
        .as("the master's pod template as first applied")
        .isEqualTo(1L);
    Pod now = client.pods().inNamespace(ns).withName(master.getMetadata().getName()).get();
    assertThat(now).as("the first master pod still runs").isNotNull();
    assertThat(now.getMetadata().getUid()).isEqualTo(master.getMetadata().getUid());
    assertThat(now.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
  }

  private void deleteTheAppAndAwaitTheClusterGone(String app, ClusterPods pods) {
    assertThat(pods.workers()).isNotEmpty();
    client.apps().deployments().inNamespace(ns).withName(app).delete();
    await(app + ": garbage collection removes every object of the cluster")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(pods.clusterObjects()).isEmpty());
  }

  private Pod appPod(String app) {
    return client.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> !p.getMetadata().getLabels().containsKey("appspark.io/cluster"))
        .findFirst()
        .orElse(new Pod());
  }

  private void kubectl(String step, String script) {
    shell(
        step,
        Map.of(
            "KUBECTL", node.controlPlane().kubectl().toString(),
            "KUBECONFIG", teamKubeconfig.toString(),
            "SUITE_KUBECONFIG", node.controlPlane().kubeconfig().toString(),
            "NS", ns),
        script);
  }

  private void shell(String step, Map<String, String> env, String script) {
    Path log = project.resolve(step + ".log");
    int exit =
        GeneratedProject.run(
            project, log, env, GeneratedProject.Duration.BUILD, "bash", "-c", script);
    assertThat(exit).as("%s:%n%s", step, GeneratedProject.read(log)).isZero();
  }
}
