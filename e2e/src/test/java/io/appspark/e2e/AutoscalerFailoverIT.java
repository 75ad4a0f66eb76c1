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
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The autoscaler's two replicas on a real node: the leader's pod is deleted at once (grace 0, its
 * process killed) in the middle of a driver's burst and the standby takes over, with neither a
 * duplicate nor an orphan worker; then a changed spec re-applied with {@code up --kubernetes} rolls
 * the autoscaler's Deployment to completion (both replicas are Ready by design) and the new leader
 * works with the new spec.
 */
@EnableRealNode
class AutoscalerFailoverIT {
  private static final String APP = "ha";
  private static final int MAX = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String ns;
  private final RealNode node;
  private final ClusterPods pods;
  private final AtomicInteger probes = new AtomicInteger();
  @TempDir Path dir;

  AutoscalerFailoverIT(KubernetesClient client, TestNamespace namespace, RealNode node) {
    this.client = client;
    this.ns = namespace.name();
    this.node = node;
    this.pods = new ClusterPods(client, ns, APP);
  }

  @Test
  void theStandbyTakesOverMidBurstAndARolloutOfANewSpecCompletes() throws Exception {
    AppDeployments.ensure(client, ns, APP, node.pauseImage());
    // Master 500m, the autoscaler's replicas 2 x 250m, three workers 3 x 300m: 1.9 of the node's
    // two cores. Idle workers go after 45 s (after the checks that count them), which frees room
    // for the rollout's extra replica.
    Path spec = dir.resolve("ha.yaml");
    Files.writeString(spec, spec(MAX));
    Cli cli = pods.teamCli(node.controlPlane(), dir);
    try (ClusterPods.WorkerWatch workers = pods.watchWorkers()) {
      up(cli, spec, 1);
      String first = pods.awaitAutoscalerLeader();
      awaitServedBy(first);
      await("leader and standby are both Ready")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> pods.withRole("autoscaler").stream().filter(ClusterPods::ready).count() == 2);

      client
          .pods()
          .inNamespace(ns)
          .resource(
              new DriverPod(
                      "burst",
                      APP,
                      APP,
                      node.sparkImage(),
                      List.of(
                          "driver",
                          "io.appspark.examples.elastic.ElasticJob",
                          "tasks=6",
                          "taskMillis=15000",
                          "report=stdout"))
                  .pod())
          .create();
      await("the burst made the leader add a worker pod")
          .atMost(ClusterPods.POD_WORK)
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> liveWorkers().size() >= 2);

      client.pods().inNamespace(ns).withName(first).withGracePeriod(0).delete();

      String second =
          await("the standby holds the Lease")
              .atMost(Duration.ofMinutes(2))
              .pollInterval(Duration.ofSeconds(1))
              .until(this::leaseHolder, h -> h != null && !h.equals(first));
      assertThat(pods.pod(second)).as("the new leader is the other replica's pod").isNotNull();
      awaitServedBy(second);

      Pod done = pods.awaitEnded("burst");
      String log = pods.log("burst");
      assertThat(done.getStatus().getPhase()).as(log).isEqualTo("Succeeded");
      JsonNode report = ClusterPods.report(log);
      assertThat(report.path("result").asLong()).isEqualTo(report.path("expected").asLong());
      assertThat(report.path("failedTasks").asInt(-1)).as(report.toString()).isZero();
      assertThat(workers.mostLive.get())
          .as("never more worker pods at once than workers.max")
          .isBetween(2, MAX);
      awaitEveryWorkerPodIsAMasterWorker();

      await("idle workers retire (workers.min 0)")
          .atMost(ClusterPods.POD_WORK)
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> pods.workers().isEmpty());
    }

    Files.writeString(spec, spec(2));
    up(cli, spec, 0);
    awaitRolledOut();
    String leader = pods.awaitAutoscalerLeader();
    awaitServedBy(leader);
    String refused = http("POST", APP + "-autoscaler:8090", "/scale?workers=3");
    assertThat(refused)
        .as("the new replicas read workers.max 2")
        .containsPattern("^HTTP/1\\.[01] 400")
        .contains("from 0 to 2; got 3");
    assertThat(http("POST", APP + "-autoscaler:8090", "/scale?workers=2"))
        .containsPattern("^HTTP/1\\.[01] 200");
    await("the pin's two workers come")
        .atMost(ClusterPods.POD_WORK)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> pods.workers().stream().filter(ClusterPods::ready).count() == 2);
    assertThat(liveWorkers()).hasSize(2);
  }

  private static String spec(int max) {
    return """
        name: ha
        workers: {min: 0, max: %d, initial: 1, cores: 1, memory: 1g}
        autoscaler: {idleTimeout: 45s, scaleDownCooldown: 2s}
        kubernetes:
          worker: {cpu: 300m}
        """
        .formatted(max);
  }

  private void up(Cli cli, Path spec, int workers) throws Exception {
    Cli.Result up = pods.up(cli, spec, node.sparkImage(), workers);
    assertThat(up.exitCode()).as(Cli.text(up)).isZero();
  }

  private String leaseHolder() {
    var lease = client.leases().inNamespace(ns).withName(APP + "-autoscaler").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** The autoscaler's Service has one ready endpoint: this pod (the one with the leader label). */
  private void awaitServedBy(String pod) {
    await("the autoscaler's Service reaches " + pod + " only")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .discovery()
                            .v1()
                            .endpointSlices()
                            .inNamespace(ns)
                            .withLabel("kubernetes.io/service-name", APP + "-autoscaler")
                            .list()
                            .getItems()
                            .stream()
                            .flatMap(
                                s ->
                                    Optional.ofNullable(s.getEndpoints())
                                        .orElse(List.of())
                                        .stream())
                            .filter(e -> Boolean.TRUE.equals(e.getConditions().getReady()))
                            .map(e -> e.getTargetRef().getName())
                            .toList())
                    .containsExactly(pod));
  }

  /**
   * No duplicate and no orphan: the live worker pods are exactly the workers the master has alive
   * (by pod IP), at most workers.max, each owned by the app's Deployment as before.
   */
  private void awaitEveryWorkerPodIsAMasterWorker() {
    await("worker pods and the master's workers agree")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              List<Pod> live = liveWorkers();
              Set<String> podIps =
                  live.stream()
                      .map(p -> p.getStatus().getPodIP())
                      .filter(Objects::nonNull)
                      .collect(Collectors.toCollection(TreeSet::new));
              assertThat(live).hasSizeBetween(1, MAX).hasSize(podIps.size());
              assertThat(masterAliveHosts()).isEqualTo(podIps);
              assertThat(live)
                  .allSatisfy(
                      p ->
                          assertThat(p.getMetadata().getOwnerReferences())
                              .singleElement()
                              .satisfies(
                                  ref -> {
                                    assertThat(ref.getKind()).isEqualTo("Deployment");
                                    assertThat(ref.getName()).isEqualTo(APP);
                                  }));
            });
  }

  private Set<String> masterAliveHosts() throws Exception {
    String response = http("GET", APP + "-spark-master:8080", "/json/");
    // The pod's log may hold the response's line ends as \n only: split at the first empty line.
    String[] headAndBody = response.split("\r?\n\r?\n", 2);
    assertThat(headAndBody).as(response).hasSize(2);
    JsonNode state = JSON.readTree(headAndBody[1]);
    Set<String> hosts = new TreeSet<>();
    state
        .path("workers")
        .forEach(
            w -> {
              if ("ALIVE".equals(w.path("state").asText())) {
                hosts.add(w.path("host").asText());
              }
            });
    return hosts;
  }

  private List<Pod> liveWorkers() {
    return pods.workers().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> !ClusterPods.ended(p))
        .toList();
  }

  /**
   * The autoscaler's rollout is complete: the controller saw the latest spec, every replica is
   * updated, ready and available, and no pod of an older ReplicaSet is left.
   */
  private void awaitRolledOut() {
    await("the autoscaler's rollout completes")
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Deployment d =
                  client.apps().deployments().inNamespace(ns).withName(APP + "-autoscaler").get();
              DeploymentStatus s = d.getStatus();
              assertThat(s.getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
              assertThat(d.getMetadata().getGeneration()).isGreaterThan(1L);
              assertThat(s.getUpdatedReplicas()).isEqualTo(2);
              assertThat(s.getReplicas()).isEqualTo(2);
              assertThat(s.getReadyReplicas()).isEqualTo(2);
              assertThat(s.getAvailableReplicas()).isEqualTo(2);
              String hash = newestTemplateHash(d);
              assertThat(pods.withRole("autoscaler"))
                  .hasSize(2)
                  .allSatisfy(
                      p ->
                          assertThat(p.getMetadata().getLabels())
                              .containsEntry("pod-template-hash", hash));
            });
  }

  private String newestTemplateHash(Deployment d) {
    String revision = d.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision");
    return client
        .apps()
        .replicaSets()
        .inNamespace(ns)
        .withLabels(Map.of("appspark.io/cluster", APP, "appspark.io/role", "autoscaler"))
        .list()
        .getItems()
        .stream()
        .filter(
            rs ->
                revision.equals(
                    rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision")))
        .map(ReplicaSet::getMetadata)
        .map(m -> m.getLabels().get("pod-template-hash"))
        .findFirst()
        .orElseThrow();
  }

  private String http(String method, String hostPort, String path) {
    return pods.http(
        "probe-" + probes.incrementAndGet(), APP, node.sparkImage(), method, hostPort, path);
  }
}
