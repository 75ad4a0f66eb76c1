package io.appspark.launcher.kubernetes.model;

import io.appspark.launcher.spec.ContainerMemory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The standalone master: one replica, replaced with {@code Recreate} (two masters would split the
 * workers), behind a Service with its RPC and UI ports. Ready and alive while its UI serves the
 * cluster state as JSON.
 */
final class MasterModel {
  static final String ROLE = "master";
  static final int MEMORY_MIB = 1024;

  /**
   * A standalone master only coordinates: half a core leaves a small namespace room for workers.
   */
  static final String CPU = "500m";

  private final ClusterModel cluster;

  MasterModel(ClusterModel cluster) {
    this.cluster = cluster;
  }

  Deployment deployment() {
    return SingletonWorkload.deployment(
        cluster, cluster.names().master(), ROLE, container(), SparkPods.DAEMON_CONF_KEY);
  }

  private Container container() {
    return SparkPods.container(ROLE, cluster.image(), SparkPods.resources(CPU, MEMORY_MIB))
        .withEnv(
            SparkPods.env("SPARK_MASTER_PORT", Integer.toString(Ports.MASTER_RPC)),
            SparkPods.env("SPARK_MASTER_WEBUI_PORT", Integer.toString(Ports.MASTER_UI)),
            SparkPods.env("SPARK_DAEMON_MEMORY", ContainerMemory.daemonHeapMib(MEMORY_MIB) + "m"),
            SparkPods.authSecret(cluster.names()))
        .addNewPort()
        .withName("rpc")
        .withContainerPort(Ports.MASTER_RPC)
        .endPort()
        .addNewPort()
        .withName("ui")
        .withContainerPort(Ports.MASTER_UI)
        .endPort()
        .withReadinessProbe(SparkPods.httpGet("/json/", Ports.MASTER_UI, 5, 3))
        .withLivenessProbe(SparkPods.httpGet("/json/", Ports.MASTER_UI, 10, 6))
        .withStartupProbe(SparkPods.httpGet("/json/", Ports.MASTER_UI, 2, 60))
        .build();
  }

  Service service() {
    return SingletonWorkload.service(
        cluster,
        cluster.names().master(),
        ROLE,
        SingletonWorkload.port("rpc", Ports.MASTER_RPC),
        SingletonWorkload.port("ui", Ports.MASTER_UI));
  }
}
