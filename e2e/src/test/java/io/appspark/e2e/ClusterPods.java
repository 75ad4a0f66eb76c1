package io.appspark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appspark.launcher.it.Cli;
import io.appspark.testing.kubernetes.ControlPlane;
import io.appspark.testing.kubernetes.NamespaceAdmin;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
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

/** The pods of one in-app cluster and of its drivers, as the end-to-end tests look at them. */
final class ClusterPods {
  static final Duration POD_WORK = Duration.ofMinutes(5);
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

  /** The label the leading autoscaler sets on its own pod; its Service selects it. */
  static final String LEADER = "appspark.io/autoscaler-leader";

  private final KubernetesClient client;
  private final String ns;
  private final String cluster;

  ClusterPods(KubernetesClient client, String ns, String cluster) {
    this.client = client;
    this.ns = ns;
    this.cluster = cluster;
  }

  List<Pod> withRole(String role) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabels(Map.of("appspark.io/cluster", cluster, "appspark.io/role", role))
        .list()
        .getItems();
  }

  List<Pod> workers() {
    return withRole("worker");
  }

  Pod pod(String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  String log(String name) {
    return client.pods().inNamespace(ns).withName(name).getLog();
  }

  /**
   * The CLI as the app team runs it: with the kubeconfig of a user who holds only the namespace's
   * {@code admin} role ({@link NamespaceAdmin}), never the suite's cluster-admin, under the
   * apiserver's {@code OwnerReferencesPermissionEnforcement}.
   */
  Cli teamCli(ControlPlane plane, Path dir) {
    return new Cli(
        dir, Map.of("KUBECONFIG", NamespaceAdmin.kubeconfig(plane, client, ns, dir).toString()));
  }

  /** Creates service accounts of these names in the namespace (no Role bound to them). */
  void createServiceAccounts(List<String> names) {
    for (String name : names) {
      client
          .serviceAccounts()
          .inNamespace(ns)
          .resource(
              new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
  }

  /**
   * A ConfigMap {@code name} whose key {@code ca.pem} is the CA certificate pods trust Vault by.
   */
  void createCaConfigMap(String name, Path caPem) throws IOException {
    client
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToData("ca.pem", Files.readString(caPem))
                .build())
        .create();
  }

  /** {@code appspark up --kubernetes} of the cluster with this spec, owned by the app. */
  Cli.Result up(Cli cli, Path spec, String image, int workers) throws Exception {
    return cli.run(
        Duration.ofMinutes(6),
        "up",
        "--kubernetes",
        "-n",
        ns,
        "-f",
        spec.toString(),
        "--owner",
        "deployment/" + cluster,
        "--image",
        image,
        "--workers",
        Integer.toString(workers),
        "--timeout",
        "300");
  }

  /** Creates a driver pod and waits until it ends; returns it as it ended. */
  Pod runToEnd(DriverPod driver) {
    return runToEnd(driver.pod());
  }

  /** Creates a pod that ends by itself (restartPolicy Never) and waits until it does. */
  Pod runToEnd(Pod pod) {
    client.pods().inNamespace(ns).resource(pod).create();
    return awaitEnded(pod.getMetadata().getName());
  }

  Pod awaitEnded(String name) {
    return await("the driver pod " + name + " ends")
        .atMost(POD_WORK)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> pod(name), p -> p != null && ended(p));
  }

  /** Waits until a Ready autoscaler pod carries the leader label; returns its name. */
  String awaitAutoscalerLeader() {
    return await("an autoscaler replica leads")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                withRole("autoscaler").stream()
                    .filter(p -> "true".equals(p.getMetadata().getLabels().get(LEADER)))
                    .filter(ClusterPods::ready)
                    .map(p -> p.getMetadata().getName())
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  /**
   * Runs a one-shot pod labelled as the app's (so the cluster's NetworkPolicy admits it) that sends
   * one HTTP/1.0 request with bash's /dev/tcp; returns the response, status line first.
   */
  String http(String name, String app, String image, String method, String hostPort, String path) {
    String[] at = hostPort.split(":");
    String crlf = "\\r\\n";
    String request =
        method
            + " "
            + path
            + " HTTP/1.0"
            + crlf
            + "Host: "
            + at[0]
            + crlf
            + "Content-Length: 0"
            + crlf
            + crlf;
    String script =
        "exec 3<>/dev/tcp/"
            + at[0]
            + "/"
            + at[1]
            + " && printf '"
            + request
            + "' >&3 && timeout 20 cat <&3";
    client.pods().inNamespace(ns).resource(probe(name, Map.of("app", app), image, script)).create();
    Pod done = awaitEnded(name);
    String response = log(name);
    assertThat(done.getStatus().getPhase()).as(response).isEqualTo("Succeeded");
    client.pods().inNamespace(ns).withName(name).withGracePeriod(0).delete();
    return response;
  }

  /**
   * Watches the cluster's worker pods: the exit code of each that ended, the most ready at once.
   */
  WorkerWatch watchWorkers() {
    WorkerWatch seen = new WorkerWatch();
    seen.watch =
        client
            .pods()
            .inNamespace(ns)
            .withLabels(Map.of("appspark.io/cluster", cluster, "appspark.io/role", "worker"))
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    terminated(pod)
                        .ifPresent(code -> seen.exitCodes.put(pod.getMetadata().getName(), code));
                    List<Pod> now = workers();
                    int ready = (int) now.stream().filter(ClusterPods::ready).count();
                    seen.mostReady.accumulateAndGet(ready, Math::max);
                    int live =
                        (int)
                            now.stream()
                                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                                .count();
                    seen.mostLive.accumulateAndGet(live, Math::max);
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    return seen;
  }

  static final class WorkerWatch implements AutoCloseable {
    final Map<String, Integer> exitCodes = new ConcurrentHashMap<>();
    final AtomicInteger mostReady = new AtomicInteger();
    final AtomicInteger mostLive = new AtomicInteger();
    private Watch watch;

    @Override
    public void close() {
      watch.close();
    }
  }

  /** No container log of the namespace holds the cluster's RPC secret. */
  void assertNoSecretInLogs() {
    assertNoLogHolds(cluster + "-spark-auth", "secret");
  }

  /** The value under {@code key} of the Secret {@code name}, decoded. */
  String secretValue(String name, String key) {
    String encoded = client.secrets().inNamespace(ns).withName(name).get().getData().get(key);
    return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
  }

  /** No container log of the namespace holds the value under {@code key} of Secret {@code name}. */
  void assertNoLogHolds(String name, String key) {
    String secret = secretValue(name, key);
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

  /**
   * None of {@code values} (secrets the test made) is in a pod's log or spec (command lines,
   * environment) of the namespace, in any of its ConfigMaps or Events.
   */
  void assertNoneInLogsOrObjects(List<String> values) {
    for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
      String name = pod.getMetadata().getName();
      assertThat(String.valueOf(pod)).as("spec of " + name).doesNotContain(values);
      for (var container : pod.getSpec().getContainers()) {
        String log =
            client.pods().inNamespace(ns).withName(name).inContainer(container.getName()).getLog();
        assertThat(log).as("log of " + name).doesNotContain(values);
      }
    }
    assertThat(String.valueOf(client.configMaps().inNamespace(ns).list().getItems()))
        .doesNotContain(values);
    assertThat(String.valueOf(client.v1().events().inNamespace(ns).list().getItems()))
        .doesNotContain(values);
  }

  /** Every object of the kinds a cluster has, labelled as this cluster's. */
  List<HasMetadata> clusterObjects() {
    return CLUSTER_KINDS.stream()
        .flatMap(
            kind ->
                client
                    .resources(kind)
                    .inNamespace(ns)
                    .withLabel("appspark.io/cluster", cluster)
                    .list()
                    .getItems()
                    .stream())
        .map(HasMetadata.class::cast)
        .toList();
  }

  /** A pod that runs a bash script once, in the Spark image (which has bash and timeout). */
  static Pod probe(String name, Map<String, String> labels, String image, String script) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withEnableServiceLinks(false)
        .addNewContainer()
        .withName("probe")
        .withImage(image)
        .withImagePullPolicy("Never")
        .withCommand("bash", "-c", script)
        .endContainer()
        .endSpec()
        .build();
  }

  static Optional<Integer> terminated(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated().getExitCode())
        .findFirst();
  }

  static boolean ended(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The report line of an ElasticJob driver run with {@code report=stdout}. */
  static JsonNode report(String log) throws Exception {
    String line =
        log.lines()
            .filter(l -> l.startsWith("elastic-job-report "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no report in the driver's log:\n" + log));
    return new ObjectMapper().readTree(line.substring("elastic-job-report ".length()));
  }
}
