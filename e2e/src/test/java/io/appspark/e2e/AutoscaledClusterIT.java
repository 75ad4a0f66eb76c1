package io.appspark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appspark.launcher.it.Cli;
import io.appspark.testing.kubernetes.AppDeployments;
import io.appspark.testing.kubernetes.EnableRealNode;
import io.appspark.testing.kubernetes.RealNode;
import io.appspark.testing.kubernetes.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main road, on a real node: {@code appspark up --kubernetes} as a user runs it, the autoscaler
 * as pods (leader elected, in-cluster token, spec from its ConfigMap), a driver in a pod of the app
 * whose burst makes the autoscaler add worker pods, and idle workers retired through SIGTERM and
 * Spark's decommissioning; then the app's deletion takes the cluster with it.
 */
@EnableRealNode
class AutoscaledClusterIT {
  private static final String APP = "shop";
  private static final Duration POD_WORK = Duration.ofMinutes(5);
  private static final List<Class<? extends HasMetadata>> CLUSTER_KINDS =
      List.of(
          Pod.class,
          Deployment.class,
          Service.class,
          ConfigMap.class,
          Secret.class,
          NetworkPolicy.class,
          Role.class,
          RoleBinding.class,
          ServiceAccount.class);

  private final KubernetesClient client;
  private final String ns;
  private final RealNode node;
  @TempDir Path dir;

  AutoscaledClusterIT(KubernetesClient client, TestNamespace namespace, RealNode node) {
    this.client = client;
    this.ns = namespace.name();
    this.node = node;
  }

  @Test
  void aBurstGrowsTheClusterIdleWorkersLeaveGracefullyAndTheAppsDeletionTakesItAll()
      throws Exception {
    AppDeployments.ensure(client, ns, APP, node.pauseImage());
    // Three workers of 300 millicores fit the node's two cores beside the master (500m) and the
    // autoscaler's two replicas (250m each). Idle workers go after 5 s, one at a time.
    Path spec = dir.resolve("shop.yaml");
    Files.writeString(
        spec,
        """
        name: shop
        workers: {min: 0, max: 3, initial: 1, cores: 1, memory: 1g}
        autoscaler: {idleTimeout: 5s, scaleDownCooldown: 2s}
        kubernetes:
          worker: {cpu: 300m}
        """);
    Cli cli = new Cli(dir, Map.of("KUBECONFIG", node.controlPlane().kubeconfig().toString()));
    Map<String, Integer> exitCodes = new ConcurrentHashMap<>();
    AtomicInteger mostReady = new AtomicInteger();
    Watch watch = watchWorkers(exitCodes, mostReady);
    try {
      Cli.Result up =
          cli.run(
              Duration.ofMinutes(6),
              "up",
              "--kubernetes",
              "-n",
              ns,
              "-f",
              spec.toString(),
              "--owner",
              "deployment/" + APP,
              "--image",
              node.sparkImage(),
              "--workers",
              "1",
              "--timeout",
              "300");
      assertThat(up.exitCode()).as(Cli.text(up)).isZero();
      assertThat(up.out()).contains("master ready", "1 ready (registered with the master)");
      awaitAutoscalerLeader();

      Pod driver =
          new DriverPod(
                  "burst",
                  APP,
                  APP,
                  node.sparkImage(),
                  List.of(
                      "driver",
                      "io.appspark.examples.elastic.ElasticJob",
                      "tasks=6",
                      "taskMillis=12000",
                      "report=stdout"))
              .pod();
      client.pods().inNamespace(ns).resource(driver).create();
      Pod done =
          await("the driver pod ends")
              .atMost(POD_WORK)
              .pollInterval(Duration.ofSeconds(1))
              .until(() -> pod("burst"), p -> p != null && ended(p));
      String log = client.pods().inNamespace(ns).withName("burst").getLog();
      assertThat(done.getStatus().getPhase()).as(log).isEqualTo("Succeeded");
      JsonNode report = report(log);
      assertThat(report.path("result").asLong()).isEqualTo(report.path("expected").asLong());
      assertThat(report.path("failedTasks").asInt(-1)).as(report.toString()).isZero();
      assertThat(mostReady.get()).as("worker pods ready at once during the burst").isEqualTo(3);

      await("every idle worker retired (workers.min 0)")
          .atMost(POD_WORK)
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> workerPods().isEmpty());
      assertThat(exitCodes)
          .as("each worker's container ended after SIGTERM: decommissioned and drained, exit 0")
          .hasSizeGreaterThanOrEqualTo(3)
          .allSatisfy((pod, code) -> assertThat(code).as(pod).isZero());
      assertThat(scaleEvents())
          .as("Events on the app's Deployment")
          .extracting(Event::getReason)
          .contains("WorkersAdded", "WorkersRetired");
      assertNoSecretInLogs();
    } finally {
      watch.close();
    }

    client.apps().deployments().inNamespace(ns).withName(APP).delete();
    await("garbage collection removes every object of the cluster")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(clusterObjects()).isEmpty());
  }

  private Watch watchWorkers(Map<String, Integer> exitCodes, AtomicInteger mostReady) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabels(Map.of("appspark.io/cluster", APP, "appspark.io/role", "worker"))
        .watch(
            new Watcher<>() {
              @Override
              public void eventReceived(Action action, Pod pod) {
                terminated(pod).ifPresent(code -> exitCodes.put(pod.getMetadata().getName(), code));
                mostReady.accumulateAndGet(readyWorkers(), Math::max);
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  private int readyWorkers() {
    return (int) workerPods().stream().filter(AutoscaledClusterIT::ready).count();
  }

  private static Optional<Integer> terminated(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated().getExitCode())
        .findFirst();
  }

  private void awaitAutoscalerLeader() {
    await("an autoscaler replica leads")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                client
                    .pods()
                    .inNamespace(ns)
                    .withLabel("appspark.io/role", "autoscaler")
                    .list()
                    .getItems()
                    .stream()
                    .anyMatch(AutoscaledClusterIT::ready));
  }

  private List<Pod> workerPods() {
    return client
        .pods()
        .inNamespace(ns)
        .withLabels(Map.of("appspark.io/cluster", APP, "appspark.io/role", "worker"))
        .list()
        .getItems();
  }

  private Pod pod(String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  private static boolean ended(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static JsonNode report(String log) throws Exception {
    String line =
        log.lines()
            .filter(l -> l.startsWith("elastic-job-report "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no report in the driver's log:\n" + log));
    return new ObjectMapper().readTree(line.substring("elastic-job-report ".length()));
  }

  private List<Event> scaleEvents() {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> APP.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private void assertNoSecretInLogs() {
    String encoded =
        client
            .secrets()
            .inNamespace(ns)
            .withName(APP + "-spark-auth")
            .get()
            .getData()
            .get("secret");
    String secret = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
      for (var container : pod.getSpec().getContainers()) {
        String log =
            client
                .pods()
                .inNamespace(ns)
                .withName(pod.getMetadata().getName())
                .inContainer(container.getName())
                .getLog();
        assertThat(log).as("log of " + pod.getMetadata().getName()).doesNotContain(secret);
      }
    }
  }

  /** Every kind of object a cluster has, labelled as the cluster's. */
  private List<HasMetadata> clusterObjects() {
    return CLUSTER_KINDS.stream()
        .flatMap(
            kind ->
                client
                    .resources(kind)
                    .inNamespace(ns)
                    .withLabel("appspark.io/cluster", APP)
                    .list()
                    .getItems()
                    .stream())
        .map(HasMetadata.class::cast)
        .toList();
  }
}
