package io.appspark.launcher.kubernetes.model;

import io.appspark.launcher.spec.KubernetesSpec.VolumeSpec;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.List;
import java.util.Map;

/**
 * What every Spark container of a cluster shares: a hardened security context, equal requests and
 * limits (the entrypoint sizes the JVM from the limit), a read-only root file system with writable
 * {@code /tmp} and work directory, and the cluster's Spark configuration mounted where the image
 * reads it.
 */
final class SparkPods {
  static final String CONF_MOUNT = "/opt/spark/conf-mounted";
  static final String CONF_VOLUME = "spark-conf";
  static final String DAEMON_CONF_KEY = "spark-defaults.conf";
  // Drivers read it by this key (io.appspark.client.DriverDefaults): one name for both sides.
  static final String DRIVER_CONF_KEY = io.appspark.client.DriverDefaults.KEY;

  private SparkPods() {}

  static PodSecurityContext podSecurity() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  static SecurityContext containerSecurity() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  /** Requests equal to limits: Guaranteed QoS, and the JVM sized from a limit that holds. */
  static ResourceRequirements resources(String cpu, int memoryMib) {
    Map<String, Quantity> amounts = new java.util.TreeMap<>();
    amounts.put("cpu", new Quantity(cpu));
    amounts.put("memory", new Quantity(memoryMib + "Mi"));
    return new ResourceRequirementsBuilder().withRequests(amounts).withLimits(amounts).build();
  }

  static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  /**
   * The cluster's RPC secret, from its Secret: Spark's daemons and executors read this variable;
   * the image's entrypoint puts it in a Connect server's configuration, where a driver looks.
   */
  static EnvVar authSecret(ClusterNames names) {
    return new EnvVarBuilder()
        .withName(AUTH_SECRET_ENV)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(names.authSecret())
        .withKey(ClusterNames.AUTH_SECRET_KEY)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  static final String AUTH_SECRET_ENV = "_SPARK_AUTH_SECRET";

  static EnvVar podIp(String name) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("status.podIP")
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  static Probe httpGet(String path, int port, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withNewPort(port)
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(3)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  /** Writable directories (the root file system is read-only) and the mounted configuration. */
  static List<Volume> volumes(String configMap, String confKey) {
    return List.of(
        new VolumeBuilder()
            .withName(CONF_VOLUME)
            .withNewConfigMap()
            .withName(configMap)
            .addNewItem()
            .withKey(confKey)
            .withPath(DAEMON_CONF_KEY)
            .endItem()
            .endConfigMap()
            .build(),
        new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder().withName("work").withNewEmptyDir().endEmptyDir().build());
  }

  static List<VolumeMount> mounts() {
    return List.of(
        mount(CONF_VOLUME, CONF_MOUNT, true),
        mount("tmp", "/tmp", false),
        mount("work", "/opt/spark/work", false));
  }

  static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly ? Boolean.TRUE : null)
        .build();
  }

  /** The volumes the spec adds to a pod (workers', the Connect server's). */
  static List<Volume> userVolumes(List<VolumeSpec> specs) {
    return specs.stream().map(SparkPods::userVolume).toList();
  }

  /** Where the container mounts the spec's volumes. */
  static List<VolumeMount> userMounts(List<VolumeSpec> specs) {
    return specs.stream().map(v -> mount(v.name(), v.mountPath(), v.readOnly())).toList();
  }

  private static Volume userVolume(VolumeSpec spec) {
    VolumeBuilder volume = new VolumeBuilder().withName(spec.name());
    String source = spec.source().orElse(null);
    return switch (spec.kind()) {
      case EMPTY_DIR ->
          volume
              .withNewEmptyDir()
              .withSizeLimit(source == null ? null : new Quantity(source))
              .endEmptyDir()
              .build();
      case CONFIG_MAP -> volume.withNewConfigMap().withName(source).endConfigMap().build();
      case SECRET -> volume.withNewSecret().withSecretName(source).endSecret().build();
      case PERSISTENT_VOLUME_CLAIM ->
          volume
              .withNewPersistentVolumeClaim()
              .withClaimName(source)
              .withReadOnly(spec.readOnly() ? Boolean.TRUE : null)
              .endPersistentVolumeClaim()
              .build();
    };
  }

  /** A Spark container of {@code role} with the shared settings; callers add ports and probes. */
  static ContainerBuilder container(String role, String image, ResourceRequirements resources) {
    return new ContainerBuilder()
        .withName(role)
        .withImage(image)
        .withImagePullPolicy("IfNotPresent")
        .withArgs(role)
        .withResources(resources)
        .withSecurityContext(containerSecurity())
        .withVolumeMounts(mounts());
  }
}
