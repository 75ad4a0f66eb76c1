package io.appspark.launcher.kubernetes.model;

import io.appspark.launcher.spec.ContainerMemory;
import io.appspark.launcher.spec.ScaleDown;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cluster's autoscaler: a Deployment of two replicas (one leads through a Lease, the other
 * stands by; both are Ready while their process is healthy, so a rolling update completes), the
 * spec it reads from a ConfigMap, and a Service that drivers announce themselves to. The Service
 * selects the pod labelled {@link Labels#LEADER}, which the leader sets on its own pod, so it
 * reaches the leader only. A changed spec or image rolls it (the spec's hash is on the pod
 * template).
 */
final class AutoscalerModel {
  static final String ROLE = "autoscaler";
  static final int REPLICAS = 2;
  static final int MEMORY_MIB = 512;

  /** It reads JSON and decides once a second; two replicas of a quarter core each. */
  static final String CPU = "250m";

  static final String SPEC_KEY = "appspark.yaml";
  static final String SPEC_DIR = "/etc/appspark/spec";
  static final String LEASE_DURATION = "15s";

  private final ClusterModel cluster;
  private final String specYaml;

  AutoscalerModel(ClusterModel cluster, String specYaml) {
    this.cluster = cluster;
    this.specYaml = specYaml;
  }

  ConfigMap specConfigMap() {
    return new ConfigMapBuilder()
        .withMetadata(cluster.meta(cluster.names().spec(), ROLE))
        .withData(Map.of(SPEC_KEY, specYaml))
        .build();
  }

  Service service() {
    Service service =
        SingletonWorkload.service(
            cluster,
            cluster.names().autoscaler(),
            ROLE,
            SingletonWorkload.port("http", Ports.AUTOSCALER_HTTP));
    service.getSpec().getSelector().put(Labels.LEADER, Labels.LEADING);
    return service;
  }

  Deployment deployment() {
    return new DeploymentBuilder()
        .withMetadata(cluster.meta(cluster.names().autoscaler(), ROLE))
        .withNewSpec()
        .withReplicas(REPLICAS)
        .withNewSelector()
        .withMatchLabels(Labels.selector(cluster.spec().name(), ROLE))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(cluster.labels(ROLE))
        .withAnnotations(
            Map.of(
                "appspark.io/spec-hash", cluster.nameFreeHash(specYaml + "\n" + cluster.image())))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(cluster.names().autoscaler())
        .withAutomountServiceAccountToken(true)
        .withEnableServiceLinks(false)
        .withSecurityContext(SparkPods.podSecurity())
        .withContainers(container())
        .withVolumes(
            new VolumeBuilder()
                .withName("spec")
                .withNewConfigMap()
                .withName(cluster.names().spec())
                .endConfigMap()
                .build(),
            new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private Container container() {
    return new ContainerBuilder()
        .withName(ROLE)
        .withImage(cluster.image())
        .withImagePullPolicy("IfNotPresent")
        .withArgs(ROLE)
        .withEnv(env())
        .withResources(SparkPods.resources(CPU, MEMORY_MIB))
        .withSecurityContext(SparkPods.containerSecurity())
        .withVolumeMounts(
            SparkPods.mount("spec", SPEC_DIR, true), SparkPods.mount("tmp", "/tmp", false))
        .addNewPort()
        .withName("http")
        .withContainerPort(Ports.AUTOSCALER_HTTP)
        .endPort()
        // Ready means healthy, leader or standby: the Service picks the leader by its label.
        .withReadinessProbe(SparkPods.httpGet("/healthz", Ports.AUTOSCALER_HTTP, 2, 2))
        .withLivenessProbe(SparkPods.httpGet("/healthz", Ports.AUTOSCALER_HTTP, 10, 6))
        .withStartupProbe(SparkPods.httpGet("/healthz", Ports.AUTOSCALER_HTTP, 2, 60))
        .build();
  }

  private List<EnvVar> env() {
    var workers = cluster.spec().workers();
    List<EnvVar> env = new ArrayList<>();
    env.add(setting("BACKEND", "kubernetes"));
    env.add(setting("CLUSTER", cluster.spec().name()));
    env.add(setting("HOST", "0.0.0.0"));
    env.add(setting("PORT", Integer.toString(Ports.AUTOSCALER_HTTP)));
    env.add(setting("MIN_WORKERS", Integer.toString(workers.min())));
    env.add(setting("MAX_WORKERS", Integer.toString(workers.max())));
    env.add(setting("CORES_PER_WORKER", Integer.toString(workers.cores())));
    env.add(setting("IDLE_TIMEOUT", ScaleDown.setting(cluster.spec().scaleDown().idleTimeout())));
    env.add(
        setting("SCALE_DOWN_COOLDOWN", ScaleDown.setting(cluster.spec().scaleDown().cooldown())));
    env.add(fieldRef("NAMESPACE", "metadata.namespace"));
    env.add(fieldRef("POD_NAME", "metadata.name"));
    env.add(setting("OWNER", cluster.owner().name()));
    env.add(setting("SPEC_FILE", SPEC_DIR + "/" + SPEC_KEY));
    env.add(setting("IMAGE", cluster.image()));
    env.add(setting("MASTER_URL", cluster.names().masterWebUrl()));
    env.add(setting("LEASE_DURATION", LEASE_DURATION));
    env.add(SparkPods.env("SPARK_DAEMON_MEMORY", ContainerMemory.daemonHeapMib(MEMORY_MIB) + "m"));
    return env;
  }

  private static EnvVar setting(String name, String value) {
    return SparkPods.env("APPSPARK_AUTOSCALER_" + name, value);
  }

  private static EnvVar fieldRef(String name, String path) {
    return new EnvVarBuilder()
        .withName("APPSPARK_AUTOSCALER_" + name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }
}
