package io.appspark.autoscaler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appspark.launcher.kubernetes.Reconciler;
import io.appspark.launcher.kubernetes.model.AppOwner;
import io.appspark.launcher.kubernetes.model.ClusterModel;
import io.appspark.launcher.kubernetes.model.Labels;
import io.appspark.launcher.spec.SpecOverrides;
import io.appspark.launcher.spec.SpecReader;
import io.appspark.testing.kubernetes.AppDeployments;
import io.appspark.testing.kubernetes.ControlPlane;
import io.appspark.testing.kubernetes.EnableControlPlane;
import io.appspark.testing.kubernetes.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The autoscaler's Kubernetes backend against the real control plane (kube-apiserver with RBAC,
 * controller-manager, scheduler, kwok nodes). Each autoscaler runs as its own JVM, as a replica of
 * its Deployment would, with a service-account token the apiserver issued (TokenRequest), so
 * everything it does passes the Role the launcher's model grants. Pods on kwok run no container, so
 * no master answers: worker pods stay unregistered (pending), which the policy never retires.
 */
@EnableControlPlane
class KubernetesAutoscalerIT {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final String IMAGE = "appspark/spark:it";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final KubernetesClient client;
  private final ControlPlane plane;
  private final String ns;
  private final List<Replica> replicas = new ArrayList<>();
  private final Map<String, String> specs = new HashMap<>();

  @TempDir Path dir;

  KubernetesAutoscalerIT(KubernetesClient client, ControlPlane plane, TestNamespace namespace) {
    this.client = client;
    this.plane = plane;
    this.ns = namespace.name();
  }

  @AfterEach
  void stopReplicas() {
    replicas.forEach(r -> r.process.destroyForcibly());
  }

  @Test
  void aPinMakesWorkerPodsEachWithAnEventAndTheLeaderAppliesTheWorkloads() throws Exception {
    ClusterModel model = cluster("pinned");
    Replica a = start(model, "pinned-autoscaler-a");
    awaitReady(a);

    assertThat(post(a, "/scale?workers=3").statusCode()).isEqualTo(200);

    await().atMost(WAIT).until(() -> workerPods("pinned").size() == 3);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(events("pinned"))
                    .hasSize(3)
                    .allSatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("WorkersAdded");
                          assertThat(e.getMessage()).startsWith("add 1:");
                          assertThat(e.getInvolvedObject().getName()).isEqualTo("pinned");
                          assertThat(e.getSource().getHost()).isEqualTo("pinned-autoscaler-a");
                        }));
    assertThat(workerPods("pinned"))
        .allSatisfy(
            p -> {
              assertThat(p.getMetadata().getOwnerReferences())
                  .singleElement()
                  .satisfies(ref -> assertThat(ref.getName()).isEqualTo("pinned"));
              assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo(IMAGE);
            });
    assertThat(client.apps().deployments().inNamespace(ns).withName("pinned-spark-master").get())
        .as("the leader applied the master at the start of its term")
        .isNotNull();
    assertThat(client.configMaps().inNamespace(ns).withName("pinned-spark-conf").get().getData())
        .hasEntrySatisfying(
            "driver-defaults.conf",
            conf -> assertThat(conf).contains("spark.appspark.autoscaler.url="));
    assertThat(workerPods("pinned")).hasSize(3);
  }

  @Test
  void aRestartedAutoscalerAdoptsTheWorkerPodsItFinds() throws Exception {
    ClusterModel model = cluster("adopt");
    Replica first = start(model, "adopt-autoscaler-a");
    awaitReady(first);
    post(first, "/scale?workers=2");
    await().atMost(WAIT).until(() -> workerPods("adopt").size() == 2);
    Set<String> before = names(workerPods("adopt"));

    first.process.destroyForcibly().waitFor();
    Replica second = start(model, "adopt-autoscaler-b");
    awaitReady(second);
    post(second, "/scale?workers=2");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode status = status(second);
              assertThat(status.path("lastDecision").path("action").asText()).isEqualTo("hold");
              assertThat(workerIds(status)).isEqualTo(before);
            });
    assertThat(names(workerPods("adopt"))).isEqualTo(before);

    post(second, "/scale?workers=3");
    await().atMost(WAIT).until(() -> workerIds(status(second)).size() == 3);
    assertThat(names(workerPods("adopt"))).hasSize(3).containsAll(before);
  }

  @Test
  void whenTheLeaderIsKilledTheStandbyTakesOverWithoutDuplicatesAndTheServiceFollowsTheLabel()
      throws Exception {
    ClusterModel model = cluster("ha");
    // Pods for the two replicas (kwok makes them Ready); b's carries the leader label, as if a
    // container of it that once led had crashed and restarted.
    autoscalerPod("ha", "ha-autoscaler-a", false);
    autoscalerPod("ha", "ha-autoscaler-b", true);
    Replica leader = start(model, "ha-autoscaler-a");
    awaitReady(leader);
    Replica standby = start(model, "ha-autoscaler-b");
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(IOException.class)
        .untilAsserted(
            () ->
                assertThat(get(standby, "/readyz").body())
                    .contains("standing by: " + leader.identity + " leads"));
    assertThat(lease("ha").getSpec().getHolderIdentity()).isEqualTo(leader.identity);
    await("only the leader's pod is labelled, and the Service reaches it alone")
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(labelledLeaders("ha")).containsExactly(leader.identity);
              assertThat(readyEndpoints("ha")).containsExactly(leader.identity);
            });

    post(leader, "/scale?workers=2");
    await().atMost(WAIT).until(() -> workerPods("ha").size() == 2 && events("ha").size() == 2);
    assertThat(post(standby, "/scale?workers=4").statusCode()).isEqualTo(200);
    assertThat(workerPods("ha")).as("a standby does not act").hasSize(2);

    leader.process.destroyForcibly().waitFor();
    client.pods().inNamespace(ns).withName(leader.identity).withGracePeriod(0).delete();

    awaitReady(standby);
    await()
        .atMost(WAIT)
        .until(() -> workerPods("ha").size() == 4 && workerIds(status(standby)).size() == 4);
    assertThat(lease("ha").getSpec().getHolderIdentity()).isEqualTo(standby.identity);
    assertThat(workerPods("ha")).hasSize(4);
    assertThat(events("ha"))
        .extracting(e -> e.getSource().getHost())
        .containsOnly(leader.identity, standby.identity)
        .hasSize(4);
    await("the new leader labelled its pod")
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(labelledLeaders("ha")).containsExactly(standby.identity);
              assertThat(readyEndpoints("ha")).containsExactly(standby.identity);
            });
  }

  @Test
  void anEndedWorkerPodIsDeletedAndReplaced() throws Exception {
    ClusterModel model = cluster("tidy");
    Replica replica = start(model, "tidy-autoscaler-a");
    awaitReady(replica);
    post(replica, "/scale?workers=1");
    Pod first =
        await()
            .atMost(WAIT)
            .until(
                () -> workerPods("tidy"),
                pods -> pods.size() == 1 && "Running".equals(pods.get(0).getStatus().getPhase()))
            .get(0);
    String failed = first.getMetadata().getName();

    client
        .pods()
        .inNamespace(ns)
        .withName(failed)
        .editStatus(p -> new PodBuilder(p).editStatus().withPhase("Failed").endStatus().build());

    await("the ended pod is deleted")
        .atMost(WAIT)
        .until(() -> client.pods().inNamespace(ns).withName(failed).get() == null);
    await("and counted as gone: a new pod keeps the pin")
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(names(workerPods("tidy"))).hasSize(1).doesNotContain(failed));
  }

  @Test
  void aWorkerPodNeverScheduledIsGivenUpWithAWarningAndAddingIsHeldBack() throws Exception {
    // No kwok node has 64 cores: the scheduler leaves every worker pod Pending.
    ClusterModel model = cluster("stuck", "kubernetes:\n  worker: {cpu: \"64\"}\n");
    Replica replica =
        start(model, "stuck-autoscaler-a", Map.of("APPSPARK_AUTOSCALER_PENDING_TIMEOUT", "3s"));
    awaitReady(replica);
    post(replica, "/scale?workers=1");
    String stuck =
        await()
            .atMost(WAIT)
            .until(() -> workerPods("stuck"), pods -> pods.size() == 1)
            .get(0)
            .getMetadata()
            .getName();

    await("the pod is given up")
        .atMost(WAIT)
        .until(() -> client.pods().inNamespace(ns).withName(stuck).get() == null);
    await("a Warning tells why")
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(events("stuck"))
                    .filteredOn(e -> "WorkerUnschedulable".equals(e.getReason()))
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getMessage())
                              .startsWith("gave up worker pod " + stuck + ": not scheduled after ")
                              .contains("Insufficient cpu", "no worker added for 60s");
                          assertThat(e.getInvolvedObject().getName()).isEqualTo("stuck");
                        }));
    await("the pin's add is held back, with the reason")
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(status(replica).path("error").asText())
                    .contains("not adding workers until", "gave up worker pod " + stuck));
    assertThat(workerPods("stuck")).as("no pod is added while the hold lasts").isEmpty();
  }

  /** A pod standing for a replica of the autoscaler's Deployment (kwok runs it, no container). */
  private void autoscalerPod(String cluster, String name, boolean labelledLeader) {
    Map<String, String> labels = new HashMap<>(Labels.selector(cluster, "autoscaler"));
    if (labelledLeader) {
      labels.put(Labels.LEADER, Labels.LEADING);
    }
    client
        .pods()
        .inNamespace(ns)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("autoscaler")
                .withImage(IMAGE)
                .addNewPort()
                .withName("http")
                .withContainerPort(8090)
                .endPort()
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private List<String> labelledLeaders(String cluster) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabels(Map.of(Labels.CLUSTER, cluster, Labels.LEADER, Labels.LEADING))
        .list()
        .getItems()
        .stream()
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  /** The pods the autoscaler's Service sends to (ready endpoints of its EndpointSlices). */
  private List<String> readyEndpoints(String cluster) {
    return client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(ns)
        .withLabel("kubernetes.io/service-name", cluster + "-autoscaler")
        .list()
        .getItems()
        .stream()
        .flatMap(slice -> Optional.ofNullable(slice.getEndpoints()).orElse(List.of()).stream())
        .filter(
            e -> e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady()))
        .map(e -> e.getTargetRef().getName())
        .toList();
  }

  /** The app, and what the launcher applies before the autoscaler runs; no Spark workload yet. */
  /**
   * The app template's routes apply the cluster's objects before the app's uid exists, so with no
   * owner: the leader, with its Role's rights only and OwnerReferencesPermissionEnforcement on,
   * makes the app's Deployment their owner, and deleting the app removes them.
   */
  @Test
  void theLeaderAdoptsWhatManifestsMadeWithoutAnOwnerAndTheAppsDeletionTakesIt() throws Exception {
    ClusterModel model = model("manifests");
    Reconciler reconciler = new Reconciler(client);
    List<HasMetadata> made = new ArrayList<>(model.clusterObjects());
    made.add(model.authSecret("not-a-real-secret"));
    for (HasMetadata o : made) {
      // Its replicas run here as processes, not as the Deployment.
      if (!key(o).equals("Deployment/manifests-autoscaler")) {
        o.getMetadata().setOwnerReferences(null);
        reconciler.apply(o);
      }
    }
    client.secrets().inNamespace(ns).resource(userSecret("manifests-mine")).create();
    String uid =
        client
            .apps()
            .deployments()
            .inNamespace(ns)
            .withName("manifests")
            .get()
            .getMetadata()
            .getUid();

    awaitReady(start(model, "manifests-autoscaler-a"));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(labelled("manifests"))
                    .extracting(this::key)
                    .contains(
                        "ServiceAccount/manifests-autoscaler",
                        "Role/manifests-autoscaler",
                        "RoleBinding/manifests-autoscaler",
                        "NetworkPolicy/manifests-spark",
                        "ConfigMap/manifests-spec",
                        "ConfigMap/manifests-spark-conf",
                        "Secret/manifests-spark-auth",
                        "Service/manifests-autoscaler",
                        "Service/manifests-spark-master",
                        "Deployment/manifests-spark-master")
                    .hasSizeGreaterThanOrEqualTo(10));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(labelled("manifests"))
                    .allSatisfy(
                        o ->
                            assertThat(o.getMetadata().getOwnerReferences())
                                .as(key(o))
                                .singleElement()
                                .satisfies(
                                    ref -> {
                                      assertThat(ref.getUid()).isEqualTo(uid);
                                      assertThat(ref.getBlockOwnerDeletion()).isNull();
                                    })));
    assertThat(
            client
                .secrets()
                .inNamespace(ns)
                .withName("manifests-mine")
                .get()
                .getMetadata()
                .getOwnerReferences())
        .as("a Secret without the cluster's label is the user's")
        .isNullOrEmpty();

    client.apps().deployments().inNamespace(ns).withName("manifests").delete();
    await().atMost(WAIT).untilAsserted(() -> assertThat(labelled("manifests")).isEmpty());
  }

  private List<HasMetadata> labelled(String cluster) {
    List<HasMetadata> all = new ArrayList<>();
    for (Class<? extends HasMetadata> kind :
        List.of(
            io.fabric8.kubernetes.api.model.ServiceAccount.class,
            io.fabric8.kubernetes.api.model.rbac.Role.class,
            io.fabric8.kubernetes.api.model.rbac.RoleBinding.class,
            io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class,
            io.fabric8.kubernetes.api.model.ConfigMap.class,
            io.fabric8.kubernetes.api.model.Secret.class,
            io.fabric8.kubernetes.api.model.Service.class,
            Deployment.class)) {
      all.addAll(
          client
              .resources(kind)
              .inNamespace(ns)
              .withLabel("appspark.io/cluster", cluster)
              .list()
              .getItems());
    }
    return all;
  }

  private static io.fabric8.kubernetes.api.model.Secret userSecret(String name) {
    return new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withStringData(Map.of("token", "mine"))
        .build();
  }

  private ClusterModel cluster(String name) {
    return cluster(name, "");
  }

  private ClusterModel cluster(String name, String moreSpec) {
    ClusterModel model = model(name, moreSpec);
    Set<String> workloads =
        model.workloadObjects().stream().map(this::key).collect(Collectors.toSet());
    Reconciler reconciler = new Reconciler(client);
    model.clusterObjects().stream()
        .filter(o -> !workloads.contains(key(o)))
        .filter(o -> !o.getMetadata().getName().equals(name + "-autoscaler") || isRbacOrService(o))
        .forEach(reconciler::apply);
    return model;
  }

  private ClusterModel model(String name) {
    return model(name, "");
  }

  private ClusterModel model(String name, String moreSpec) {
    Deployment app = AppDeployments.ensure(client, ns, name);
    String specYaml = "name: " + name + "\nworkers: {min: 0, max: 4, initial: 0}\n" + moreSpec;
    specs.put(name, specYaml);
    ClusterModel model =
        new ClusterModel(
                SpecReader.read(specYaml, "it", SpecOverrides.none()),
                new AppOwner(
                    name, app.getMetadata().getUid(), app.getSpec().getSelector().getMatchLabels()),
                ns,
                IMAGE)
            .withAutoscaler(specYaml);
    return model;
  }

  private Replica start(ClusterModel model, String identity) throws IOException {
    return start(model, identity, Map.of());
  }

  private Replica start(ClusterModel model, String identity, Map<String, String> moreEnv)
      throws IOException {
    String cluster = model.spec().name();
    Path spec = dir.resolve(identity + ".yaml");
    Files.writeString(spec, specs.get(cluster));
    int port = freePort();
    Map<String, String> env = new HashMap<>();
    env.put("KUBECONFIG", kubeconfigFor(cluster + "-autoscaler", identity).toString());
    env.put("APPSPARK_AUTOSCALER_BACKEND", "kubernetes");
    env.put("APPSPARK_AUTOSCALER_CLUSTER", cluster);
    env.put("APPSPARK_AUTOSCALER_PORT", Integer.toString(port));
    env.put("APPSPARK_AUTOSCALER_MIN_WORKERS", "0");
    env.put("APPSPARK_AUTOSCALER_MAX_WORKERS", "4");
    env.put("APPSPARK_AUTOSCALER_CORES_PER_WORKER", "1");
    env.put("APPSPARK_AUTOSCALER_MAX_STEP", "1");
    env.put("APPSPARK_AUTOSCALER_NAMESPACE", ns);
    env.put("APPSPARK_AUTOSCALER_POD_NAME", identity);
    env.put("APPSPARK_AUTOSCALER_OWNER", cluster);
    env.put("APPSPARK_AUTOSCALER_SPEC_FILE", spec.toString());
    env.put("APPSPARK_AUTOSCALER_IMAGE", IMAGE);
    // Nothing listens there: on kwok no master runs, so every worker pod stays unregistered.
    env.put("APPSPARK_AUTOSCALER_MASTER_URL", "http://127.0.0.1:9");
    env.put("APPSPARK_AUTOSCALER_LEASE_DURATION", "6s");
    env.putAll(moreEnv);
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dappspark.log.level=info",
                "-cp",
                System.getProperty("java.class.path"),
                "io.appspark.autoscaler.Main")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(identity + ".log").toFile());
    builder.environment().putAll(env);
    Replica replica = new Replica(identity, port, builder.start(), dir.resolve(identity + ".log"));
    replicas.add(replica);
    return replica;
  }

  /** A kubeconfig holding a token the apiserver issued for the service account. */
  private Path kubeconfigFor(String serviceAccount, String identity) throws IOException {
    String token =
        client
            .serviceAccounts()
            .inNamespace(ns)
            .withName(serviceAccount)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config admin = plane.config();
    String ca =
        admin.getCaCertData() != null
            ? admin.getCaCertData()
            : Base64.getEncoder()
                .encodeToString(Files.readAllBytes(Path.of(admin.getCaCertFile())));
    Path file = dir.resolve(identity + ".kubeconfig");
    Files.writeString(
        file,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: it",
            "  cluster:",
            "    server: " + admin.getMasterUrl(),
            "    certificate-authority-data: " + ca,
            "users:",
            "- name: " + serviceAccount,
            "  user:",
            "    token: " + token,
            "contexts:",
            "- name: it",
            "  context: {cluster: it, user: " + serviceAccount + ", namespace: " + ns + "}",
            "current-context: it",
            ""));
    return file;
  }

  private void awaitReady(Replica replica) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              assertThat(replica.process.isAlive()).as(replica.log()).isTrue();
              return ready(replica);
            });
  }

  private static boolean ready(Replica replica) {
    try {
      return get(replica, "/readyz").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private static JsonNode status(Replica replica) throws IOException {
    return JSON.readTree(get(replica, "/status").body());
  }

  private static Set<String> workerIds(JsonNode status) {
    Set<String> ids = new java.util.TreeSet<>();
    status.path("workers").forEach(w -> ids.add(w.path("id").asText()));
    return ids;
  }

  private static HttpResponse<String> get(Replica replica, String path) throws IOException {
    return send(replica, HttpRequest.newBuilder(replica.uri(path)).GET());
  }

  private static HttpResponse<String> post(Replica replica, String path) throws IOException {
    return send(
        replica,
        HttpRequest.newBuilder(replica.uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  private static HttpResponse<String> send(Replica replica, HttpRequest.Builder request)
      throws IOException {
    try {
      return HTTP.send(
          request.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private List<Pod> workerPods(String cluster) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabels(Map.of(Labels.CLUSTER, cluster, Labels.ROLE, "worker"))
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private List<Event> events(String cluster) {
    return client
        .v1()
        .events()
        .inNamespace(ns)
        .withLabel(Labels.CLUSTER, cluster)
        .list()
        .getItems();
  }

  private Lease lease(String cluster) {
    return client.leases().inNamespace(ns).withName(cluster + "-autoscaler").get();
  }

  private static Set<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }

  private String key(HasMetadata o) {
    return o.getKind() + "/" + o.getMetadata().getName();
  }

  private static boolean isRbacOrService(HasMetadata o) {
    return Set.of("ServiceAccount", "Role", "RoleBinding", "Service").contains(o.getKind());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** One autoscaler process, as one replica of its Deployment. */
  private record Replica(String identity, int port, Process process, Path logFile) {
    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    String log() {
      try {
        return Files.readString(logFile);
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }
  }
}
