package io.appspark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appspark.launcher.it.Cli;
import io.appspark.testing.kubernetes.AppDeployments;
import io.appspark.testing.kubernetes.EnableRealNode;
import io.appspark.testing.kubernetes.NamespaceAdmin;
import io.appspark.testing.kubernetes.NamespaceUids;
import io.appspark.testing.kubernetes.RealNode;
import io.appspark.testing.kubernetes.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster as an app team deploys it on a locked-down platform: the only user is the namespace's
 * admin (a RoleBinding, never cluster-admin) with the OwnerReferencesPermissionEnforcement
 * admission plugin on, and every pod runs as the namespace's arbitrary UID with group 0, as on
 * OpenShift. On that cluster a worker busy in a shuffle is deleted, as {@code kubectl delete pod}
 * does: the job loses no task and recomputes no stage.
 */
@EnableRealNode
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestrictedNamespaceIT {
  private static final String APP = "lab";

  private final KubernetesClient admin;
  private final String ns;
  private final RealNode node;
  private final ClusterPods pods;
  private NamespaceUids uids;
  private KubernetesClient team;

  RestrictedNamespaceIT(KubernetesClient admin, TestNamespace namespace, RealNode node) {
    this.admin = admin;
    this.ns = namespace.name();
    this.node = node;
    this.pods = new ClusterPods(admin, ns, APP);
  }

  @BeforeAll
  void theNamespacesAdminDeploysTheApp(@TempDir Path dir) throws Exception {
    uids = NamespaceUids.assign(admin, ns);
    Path kubeconfig = NamespaceAdmin.kubeconfig(node.controlPlane(), admin, ns, dir);
    team =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .build();
    AppDeployments.ensure(team, ns, APP, node.pauseImage());
    // Two workers of two task slots (300 millicores each: Spark's cores are slots, the tasks
    // mostly wait) beside the master and the autoscaler, held at two: a lost one is replaced.
    Path spec = dir.resolve("lab.yaml");
    Files.writeString(
        spec,
        """
        name: lab
        workers: {min: 2, max: 2, initial: 2, cores: 2, memory: 1g}
        kubernetes:
          worker: {cpu: 300m}
        """);
    Cli.Result up =
        new Cli(dir, Map.of("KUBECONFIG", kubeconfig.toString()))
            .run(
                Duration.ofMinutes(6),
                "up",
                "--kubernetes",
                "-f",
                spec.toString(),
                "--owner",
                "deployment/" + APP,
                "--image",
                node.sparkImage(),
                "--timeout",
                "300");
    assertThat(up.exitCode()).as(Cli.text(up)).isZero();
    assertThat(up.out()).contains("master ready", "2 ready (registered with the master)");
    pods.awaitAutoscalerLeader();
  }

  @AfterAll
  void close() {
    if (team != null) {
      team.close();
    }
    if (uids != null) {
      uids.close();
    }
  }

  @Test
  void everySparkProcessRunsAsTheNamespacesUidWithGroupZeroOnAReadOnlyRootWithoutCapabilities() {
    List<Pod> cluster =
        Stream.of("master", "worker", "autoscaler")
            .flatMap(r -> pods.withRole(r).stream())
            .toList();
    assertThat(cluster).hasSizeGreaterThanOrEqualTo(5);
    for (Pod pod : cluster) {
      String name = pod.getMetadata().getName();
      assertThat(
              exec(
                  name,
                  "id -u; id -g; grep CapEff /proc/1/status;"
                      + " touch /opt/spark/probe 2>/dev/null && echo writable || echo read-only;"
                      + " stat -c %u /proc/1"))
          .as(name)
          .isEqualTo(
              List.of(
                  Long.toString(uids.uid()),
                  "0",
                  "CapEff:\t0000000000000000",
                  "read-only",
                  Long.toString(uids.uid())));
    }
  }

  @Test
  void aBusyWorkersDeletionCostsNoTaskAndRecomputesNoStage() throws Exception {
    try (ClusterPods.WorkerWatch workers = pods.watchWorkers()) {
      // Sixteen slow map tasks over four slots: the worker is deleted while its executor writes
      // shuffle blocks; its running tasks finish, the other worker's and a replacement's take the
      // rest (a minute or more: longer than the lost executor's drain, its blocks' moves
      // included), and the reduce stage reads the blocks it wrote, which it must have handed
      // over before it went. (Deleted in the middle of a reduce stage of several waves, Spark
      // cannot
      // promise this: a surviving executor keeps the map locations it read in the first wave,
      // the move does not invalidate them, and its next wave's fetch from the gone executor fails
      // once, so the stage is retried.)
      DriverPod driver =
          new DriverPod(
              "shuffle",
              APP,
              APP,
              node.sparkImage(),
              List.of(
                  "driver",
                  "io.appspark.examples.elastic.ElasticJob",
                  "shuffle=true",
                  "slowSide=map",
                  "tasks=16",
                  "taskMillis=20000",
                  "records=20000",
                  "report=stdout"));
      team.pods().inNamespace(ns).resource(driver.pod()).create();
      await("the map stage runs on both workers' executors")
          .atMost(ClusterPods.POD_WORK)
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  Optional.ofNullable(pods.pod(driver.name()))
                      .filter(p -> !ClusterPods.ended(p))
                      .map(p -> mapTasksRunOnBothWorkers(pods.log(driver.name())))
                      .orElseThrow(() -> new AssertionError("the driver ended early")));
      Pod busy =
          await("a worker with running executors")
              .atMost(Duration.ofMinutes(1))
              .pollInterval(Duration.ofSeconds(1))
              .until(this::busyWorker, Optional::isPresent)
              .orElseThrow();
      String lost = busy.getMetadata().getName();
      team.pods().inNamespace(ns).withName(lost).delete();

      Pod done = pods.awaitEnded(driver.name());
      String log = pods.log(driver.name());
      assertThat(done.getStatus().getPhase()).as(log).isEqualTo("Succeeded");
      JsonNode report = ClusterPods.report(log);
      assertThat(report.path("result").asLong()).isEqualTo(report.path("expected").asLong());
      assertThat(report.path("failedTasks").asInt(-1)).as(log).isZero();
      assertThat(report.path("retriedStages").asInt(-1)).as(log).isZero();
      assertThat(lastTime(log, "executor-removed"))
          .as("an executor left while the job ran")
          .isLessThan(lastTime(log, "job-end"));
      await("the lost worker's container ended")
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> workers.exitCodes.containsKey(lost));
      assertThat(workers.exitCodes.get(lost))
          .as("decommissioned and drained before it stopped")
          .isZero();
    }
    pods.assertNoSecretInLogs();
  }

  @Test
  void aMemoryHeavyJobRunsWithinTheWorkersLimits() throws Exception {
    // About 420 MB of 1 KB records cached (memory, then disk) across the two executors, then
    // shuffled wide over every slot: the executors' heaps fill, their off-heap buffers and the
    // shuffle files' page cache come on top, all inside each worker container's limit.
    Pod done =
        pods.runToEnd(
            new DriverPod(
                "heavy",
                APP,
                APP,
                node.sparkImage(),
                List.of(
                    "driver",
                    "io.appspark.examples.elastic.ElasticJob",
                    "shuffle=true",
                    "cache=true",
                    "tasks=16",
                    "taskMillis=0",
                    "records=400000",
                    "report=stdout")));
    String log = pods.log("heavy");
    assertThat(done.getStatus().getPhase()).as(log).isEqualTo("Succeeded");
    JsonNode report = ClusterPods.report(log);
    assertThat(report.path("result").asLong()).isEqualTo(report.path("expected").asLong());
    assertThat(report.path("failedTasks").asInt(-1)).as(log).isZero();
    for (Pod worker : pods.workers()) {
      String name = worker.getMetadata().getName();
      assertThat(worker.getStatus().getContainerStatuses())
          .as(name)
          .allSatisfy(c -> assertThat(c.getRestartCount()).isZero());
      // The kernel kills the biggest process of a container over its limit: an executor, whose
      // worker lives on. The cgroup counts every such kill.
      assertThat(exec(name, "grep oom_kill /sys/fs/cgroup/memory/memory.oom_control"))
          .as("OOM kills in " + name)
          .contains("oom_kill 0");
    }
  }

  @Test
  void onlyTheAppItsClientsAndTheClusterReachTheSparkPods() {
    Pod worker = pods.workers().get(0);
    Pod master = pods.withRole("master").get(0);
    // The master's RPC port by its Service's name and its UI by pod address, a worker's UI.
    Map<String, String> targets =
        Map.of(
            "master-service", APP + "-spark-master 7077",
            "master-ui", master.getStatus().getPodIP() + " 8080",
            "worker-ui", worker.getStatus().getPodIP() + " 8081");
    assertThat(reachable("stranger", Map.of(), targets))
        .as("a pod of the namespace without the app's or a client's label")
        .isEmpty();
    assertThat(reachable("app-pod", Map.of("app", APP), targets))
        .as("a pod of the app")
        .containsOnlyKeys(targets.keySet());
    assertThat(reachable("notebook", Map.of("appspark.io/client", APP), targets))
        .as("a client of the cluster (a notebook)")
        .containsOnlyKeys(targets.keySet());
  }

  /** Which of the targets ("host port") a pod with these labels can open a connection to. */
  private Map<String, String> reachable(
      String name, Map<String, String> labels, Map<String, String> targets) {
    // Three tries each: a new pod's address reaches the node's policy tables a moment after the
    // pod starts. A refused connection is dropped, so each try ends by its timeout.
    StringBuilder script = new StringBuilder();
    targets.forEach(
        (key, target) ->
            script.append(
                ("set -- %s; for try in 1 2 3; do if timeout 2 bash -c \"exec 3<>/dev/tcp/$1/$2\""
                        + " 2>/dev/null; then echo \"open %s\"; break; fi; done; ")
                    .formatted(target, key)));
    Pod probe = ClusterPods.probe(name, labels, node.sparkImage(), script.toString());
    team.pods().inNamespace(ns).resource(probe).create();
    Pod done = pods.awaitEnded(name);
    String log = pods.log(name);
    assertThat(done.getStatus().getPhase()).as(log).isEqualTo("Succeeded");
    return log.lines()
        .filter(l -> l.startsWith("open "))
        .map(l -> l.substring("open ".length()))
        .collect(java.util.stream.Collectors.toMap(k -> k, targets::get));
  }

  /** A worker pod whose worker the master counts as using cores. */
  /** The map stage was submitted and both workers' executors joined: each takes two tasks. */
  private static boolean mapTasksRunOnBothWorkers(String log) {
    return log.contains(" parents=0") && log.split("executor-added ", -1).length > 2;
  }

  private Optional<Pod> busyWorker() throws Exception {
    Pod master = pods.withRole("master").get(0);
    HttpResponse<String> state =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://" + master.getStatus().getPodIP() + ":8080/json/"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode json = new ObjectMapper().readTree(state.body());
    for (JsonNode worker : json.path("workers")) {
      if ("ALIVE".equals(worker.path("state").asText()) && worker.path("coresused").asInt() > 0) {
        String host = worker.path("host").asText();
        Optional<Pod> pod =
            pods.workers().stream().filter(p -> host.equals(p.getStatus().getPodIP())).findFirst();
        if (pod.isPresent()) {
          return pod;
        }
      }
    }
    return Optional.empty();
  }

  /** The time of the last "elastic-job: EVENT ID TIME" line of a driver's log. */
  private static long lastTime(String log, String event) {
    return log.lines()
        .filter(l -> l.startsWith("elastic-job: " + event + " "))
        .map(l -> l.split(" "))
        .mapToLong(parts -> Long.parseLong(parts[3]))
        .max()
        .orElseThrow(() -> new AssertionError("no " + event + " in the driver's log:\n" + log));
  }

  /** Runs a shell command in the pod's first container; its output lines. */
  private List<String> exec(String pod, String command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExecWatch watch =
        admin
            .pods()
            .inNamespace(ns)
            .withName(pod)
            .writingOutput(out)
            .writingError(out)
            .exec("sh", "-c", command)) {
      watch.exitCode().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("exec in " + pod + " failed: " + e, e);
    }
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
