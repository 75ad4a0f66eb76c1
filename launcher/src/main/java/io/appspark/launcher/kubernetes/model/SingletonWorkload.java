package io.appspark.launcher.kubernetes.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;

/**
 * The Deployment and Service of a component that runs exactly once per cluster (the master, the
 * Spark Connect server): one replica, replaced rather than rolled (two masters must never run at
 * once), restarted when the cluster's configuration changes.
 */
final class SingletonWorkload {
  private SingletonWorkload() {}

  static Deployment deployment(
      ClusterModel cluster, String name, String role, Container container, String confKey) {
    return new DeploymentBuilder()
        .withMetadata(cluster.meta(name, role))
        .withNewSpec()
        .withReplicas(1)
        .withNewStrategy()
        .withType("Recreate")
        .endStrategy()
        .withNewSelector()
        .withMatchLabels(Labels.selector(cluster.spec().name(), role))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(cluster.labels(role))
        .withAnnotations(Map.of("appspark.io/config-hash", cluster.configHash()))
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withSecurityContext(SparkPods.podSecurity())
        .withContainers(container)
        .withVolumes(SparkPods.volumes(cluster.names().config(), confKey))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  static Service service(ClusterModel cluster, String name, String role, ServicePort... ports) {
    return new ServiceBuilder()
        .withMetadata(cluster.meta(name, role))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Labels.selector(cluster.spec().name(), role))
        .withPorts(ports)
        .endSpec()
        .build();
  }

  /** A TCP port named like the container port it targets. */
  static ServicePort port(String name, int port) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withNewTargetPort(name)
        .withProtocol("TCP")
        .build();
  }
}
