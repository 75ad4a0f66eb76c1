package io.appspark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.appspark.launcher.it.Cli;
import io.appspark.testing.kubernetes.AppDeployments;
import io.appspark.testing.kubernetes.EnableRealNode;
import io.appspark.testing.kubernetes.RealNode;
import io.appspark.testing.kubernetes.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
  private final KubernetesClient client;
  private final String ns;
  private final RealNode node;
  private final ClusterPods pods;
  @TempDir Path dir;

  AutoscaledClusterIT(KubernetesClient client, TestNamespace namespace, RealNode node) {
    this.client = client;
    this.ns = namespace.name();
    this.node = node;
    this.pods = new ClusterPods(client, ns, APP);
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
    Cli cli = pods.teamCli(node.controlPlane(), dir);
    try (ClusterPods.WorkerWatch workers = pods.watchWorkers()) {
      Cli.Result up = pods.up(cli, spec, node.sparkImage(), 1);
      assertThat(up.exitCode()).as(Cli.text(up)).isZero();
      assertThat(up.out()).contains("master ready", "1 ready (registered with the master)");
      pods.awaitAutoscalerLeader();

      Pod done =
          pods.runToEnd(
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
                      "report=stdout")));
      String log = pods.log("burst");
      assertThat(done.getStatus().getPhase()).as(log).isEqualTo("Succeeded");
      JsonNode report = ClusterPods.report(log);
      assertThat(report.path("result").asLong()).isEqualTo(report.path("expected").asLong());
      assertThat(report.path("failedTasks").asInt(-1)).as(report.toString()).isZero();
      assertThat(workers.mostReady.get())
          .as("worker pods ready at once during the burst")
          .isEqualTo(3);

      await("every idle worker retired (workers.min 0)")
          .atMost(ClusterPods.POD_WORK)
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> pods.workers().isEmpty());
      assertThat(workers.exitCodes)
          .as("each worker's container ended after SIGTERM: decommissioned and drained, exit 0")
          .hasSizeGreaterThanOrEqualTo(3)
          .allSatisfy((pod, code) -> assertThat(code).as(pod).isZero());
      assertThat(scaleEvents())
          .as("Events on the app's Deployment")
          .extracting(Event::getReason)
          .contains("WorkersAdded", "WorkersRetired");
      pods.assertNoSecretInLogs();
    }

    client.apps().deployments().inNamespace(ns).withName(APP).delete();
    await("garbage collection removes every object of the cluster")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(pods.clusterObjects()).isEmpty());
  }

  private List<Event> scaleEvents() {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> APP.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
