package io.appspark.launcher.kubernetes.model;

import io.appspark.launcher.spec.ContainerMemory;
import io.appspark.launcher.spec.KubernetesSpec.ConnectPodSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The optional Spark Connect server: a long-running driver on the cluster that notebooks and thin
 * clients attach to over gRPC. It takes the drivers' settings from the ConfigMap, and its pod what
 * the spec's {@code kubernetes.connect} adds: resources (its heap follows the memory limit, see
 * {@link ContainerMemory}), environment, volumes, and a service account whose token it mounts (its
 * entrypoint may log in to Vault with it to resolve the settings' secret references).
 */
final class ConnectModel {
  static final String ROLE = "connect";
  static final int DEFAULT_MEMORY_MIB = 2048;
  static final String DEFAULT_CPU = "1";

  private final ClusterModel cluster;
  private final ConnectPodSpec extension;

  ConnectModel(ClusterModel cluster) {
    this.cluster = cluster;
    this.extension = cluster.spec().kubernetes().connect();
  }

  /**
   * The singleton Deployment with the spec's volumes and, if it names one, the service account:
   * only then is a token mounted (the template mounts none).
   */
  Deployment deployment() {
    Deployment base =
        SingletonWorkload.deployment(
            cluster, cluster.names().connect(), ROLE, container(), SparkPods.DRIVER_CONF_KEY);
    String account = extension.serviceAccount().orElse(null);
    return new DeploymentBuilder(base)
        .editSpec()
        .editTemplate()
        .editSpec()
        .addAllToVolumes(SparkPods.userVolumes(extension.volumes()))
        .withServiceAccountName(account)
        .withAutomountServiceAccountToken(account != null)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  int memoryLimitMib() {
    return extension.memoryMib().orElse(DEFAULT_MEMORY_MIB);
  }

  private Container container() {
    String cpu = extension.cpu().orElse(DEFAULT_CPU);
    return SparkPods.container(ROLE, cluster.image(), SparkPods.resources(cpu, memoryLimitMib()))
        .withEnv(env())
        .addAllToVolumeMounts(SparkPods.userMounts(extension.volumes()))
        .addNewPort()
        .withName("grpc")
        .withContainerPort(Ports.CONNECT_GRPC)
        .endPort()
        .addNewPort()
        .withName("ui")
        .withContainerPort(Ports.CONNECT_UI)
        .endPort()
        .withNewReadinessProbe()
        .withNewTcpSocket()
        .withNewPort(Ports.CONNECT_GRPC)
        .endTcpSocket()
        .withPeriodSeconds(5)
        .endReadinessProbe()
        .withLivenessProbe(SparkPods.httpGet("/api/v1/applications", Ports.CONNECT_UI, 10, 6))
        .withStartupProbe(SparkPods.httpGet("/api/v1/applications", Ports.CONNECT_UI, 2, 90))
        .build();
  }

  private List<EnvVar> env() {
    List<EnvVar> env = new ArrayList<>();
    env.add(SparkPods.env("SPARK_MASTER_URL", cluster.names().masterUrl()));
    env.add(SparkPods.env("SPARK_CONNECT_PORT", Integer.toString(Ports.CONNECT_GRPC)));
    env.add(SparkPods.env("SPARK_UI_PORT", Integer.toString(Ports.CONNECT_UI)));
    env.add(SparkPods.podIp("SPARK_LOCAL_IP"));
    env.add(
        SparkPods.env(
            "SPARK_DAEMON_MEMORY", ContainerMemory.daemonHeapMib(memoryLimitMib()) + "m"));
    env.add(SparkPods.authSecret(cluster.names()));
    extension.env().forEach((name, value) -> env.add(SparkPods.env(name, value)));
    return env;
  }

  Service service() {
    return SingletonWorkload.service(
        cluster,
        cluster.names().connect(),
        ROLE,
        SingletonWorkload.port("grpc", Ports.CONNECT_GRPC),
        SingletonWorkload.port("ui", Ports.CONNECT_UI));
  }
}
