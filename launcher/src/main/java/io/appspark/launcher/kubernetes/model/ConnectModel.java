package io.appspark.launcher.kubernetes.model;

import io.appspark.launcher.spec.ContainerMemory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The optional Spark Connect server: a long-running driver on the cluster that notebooks and thin
 * clients attach to over gRPC. It takes the drivers' settings from the ConfigMap.
 */
final class ConnectModel {
  static final String ROLE = "connect";
  static final int MEMORY_MIB = 2048;
  static final String CPU = "1";

  private final ClusterModel cluster;

  ConnectModel(ClusterModel cluster) {
    this.cluster = cluster;
  }

  Deployment deployment() {
    return SingletonWorkload.deployment(
        cluster, cluster.names().connect(), ROLE, container(), SparkPods.DRIVER_CONF_KEY);
  }

  private Container container() {
    return SparkPods.container(ROLE, cluster.image(), SparkPods.resources(CPU, MEMORY_MIB))
        .withEnv(
            SparkPods.env("SPARK_MASTER_URL", cluster.names().masterUrl()),
            SparkPods.env("SPARK_CONNECT_PORT", Integer.toString(Ports.CONNECT_GRPC)),
            SparkPods.env("SPARK_UI_PORT", Integer.toString(Ports.CONNECT_UI)),
            SparkPods.podIp("SPARK_LOCAL_IP"),
            SparkPods.env("SPARK_DAEMON_MEMORY", ContainerMemory.daemonHeapMib(MEMORY_MIB) + "m"),
            SparkPods.authSecret(cluster.names()))
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

  Service service() {
    return SingletonWorkload.service(
        cluster,
        cluster.names().connect(),
        ROLE,
        SingletonWorkload.port("grpc", Ports.CONNECT_GRPC),
        SingletonWorkload.port("ui", Ports.CONNECT_UI));
  }
}
