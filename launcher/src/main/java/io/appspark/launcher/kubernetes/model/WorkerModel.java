package io.appspark.launcher.kubernetes.model;

import io.appspark.launcher.spec.ContainerMemory;
import io.appspark.launcher.spec.KubernetesSpec.Toleration;
import io.appspark.launcher.spec.KubernetesSpec.WorkerPodSpec;
import io.appspark.launcher.spec.WorkerPool;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker pod. Workers are individual pods, not a ReplicaSet, so that the autoscaler chooses which
 * one retires. {@code OnFailure}: a crashed worker restarts in place, a decommissioned one exits 0
 * and its pod ends. Its container is sized so that the entrypoint's formula leaves the worker able
 * to offer {@code workers.memory} to executors (see {@link ContainerMemory}).
 */
final class WorkerModel {
  static final String ROLE = "worker";
  static final int DECOMMISSION_TIMEOUT_SECONDS = 120;

  /**
   * Ready once registered: the worker's UI reports its master's UI address only after the master
   * accepted it. The image has bash but no curl, so the check speaks HTTP over /dev/tcp.
   */
  static final String REGISTERED_CHECK =
      "exec 3<>/dev/tcp/127.0.0.1/"
          + Ports.WORKER_UI
          + " && printf 'GET /json/ HTTP/1.0\\r\\n\\r\\n' >&3"
          + " && grep -q '\"masterwebuiurl\" *: *\"http' <&3";

  private final ClusterModel cluster;
  private final WorkerPool pool;
  private final WorkerPodSpec extension;

  WorkerModel(ClusterModel cluster) {
    this.cluster = cluster;
    this.pool = cluster.spec().workers();
    this.extension = cluster.spec().kubernetes().worker();
  }

  Pod pod(String suffix) {
    return new PodBuilder()
        .withMetadata(cluster.meta(cluster.names().worker(suffix), ROLE))
        .editMetadata()
        .addToAnnotations("appspark.io/config-hash", cluster.configHash())
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("OnFailure")
        .withTerminationGracePeriodSeconds((long) DECOMMISSION_TIMEOUT_SECONDS + 30)
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withSecurityContext(SparkPods.podSecurity())
        .withNodeSelector(extension.nodeSelector().isEmpty() ? null : extension.nodeSelector())
        .withTolerations(extension.tolerations().stream().map(WorkerModel::toleration).toList())
        .withContainers(container())
        .withVolumes(volumes())
        .endSpec()
        .build();
  }

  int memoryLimitMib() {
    return extension.memoryMib().orElse(ContainerMemory.workerLimitMib(pool.memoryMb()));
  }

  private Container container() {
    String cpu = extension.cpu().orElse(Integer.toString(pool.cores()));
    return SparkPods.container(ROLE, cluster.image(), SparkPods.resources(cpu, memoryLimitMib()))
        .withEnv(env())
        .addAllToVolumeMounts(SparkPods.userMounts(extension.volumes()))
        .addNewPort()
        .withName("rpc")
        .withContainerPort(Ports.WORKER_RPC)
        .endPort()
        .addNewPort()
        .withName("ui")
        .withContainerPort(Ports.WORKER_UI)
        .endPort()
        .withReadinessProbe(registered())
        .withLivenessProbe(SparkPods.httpGet("/json/", Ports.WORKER_UI, 10, 6))
        .withStartupProbe(SparkPods.httpGet("/json/", Ports.WORKER_UI, 2, 60))
        .build();
  }

  private List<EnvVar> env() {
    List<EnvVar> env = new ArrayList<>();
    env.add(SparkPods.env("SPARK_MASTER_URL", cluster.names().masterUrl()));
    env.add(SparkPods.podIp("SPARK_WORKER_HOST"));
    env.add(SparkPods.env("SPARK_WORKER_PORT", Integer.toString(Ports.WORKER_RPC)));
    env.add(SparkPods.env("SPARK_WORKER_WEBUI_PORT", Integer.toString(Ports.WORKER_UI)));
    env.add(SparkPods.env("SPARK_WORKER_CORES", Integer.toString(pool.cores())));
    env.add(SparkPods.env("SPARK_WORKER_MEMORY", pool.sparkMemory()));
    env.add(
        SparkPods.env(
            "SPARK_DAEMON_MEMORY", ContainerMemory.workerHeapMib(memoryLimitMib()) + "m"));
    env.add(
        SparkPods.env(
            "APPSPARK_DECOMMISSION_TIMEOUT", Integer.toString(DECOMMISSION_TIMEOUT_SECONDS)));
    env.add(SparkPods.authSecret(cluster.names()));
    extension.env().forEach((name, value) -> env.add(SparkPods.env(name, value)));
    return env;
  }

  private static Probe registered() {
    return new ProbeBuilder()
        .withNewExec()
        .withCommand("bash", "-c", REGISTERED_CHECK)
        .endExec()
        .withPeriodSeconds(5)
        .withTimeoutSeconds(3)
        .withFailureThreshold(3)
        .build();
  }

  private List<Volume> volumes() {
    List<Volume> volumes =
        new ArrayList<>(SparkPods.volumes(cluster.names().config(), SparkPods.DAEMON_CONF_KEY));
    volumes.addAll(SparkPods.userVolumes(extension.volumes()));
    return volumes;
  }

  private static io.fabric8.kubernetes.api.model.Toleration toleration(Toleration t) {
    return new TolerationBuilder()
        .withKey(t.key().orElse(null))
        .withOperator(t.operator())
        .withValue(t.value().orElse(null))
        .withEffect(t.effect().orElse(null))
        .withTolerationSeconds(t.tolerationSeconds().orElse(null))
        .build();
  }
}
