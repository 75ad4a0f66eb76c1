package io.appspark.launcher.spec;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the spec's {@code kubernetes:} section adds when the cluster runs on Kubernetes: an optional
 * Spark Connect server and how its pod differs from the template, and extensions of the worker
 * pods.
 */
public record KubernetesSpec(ConnectPodSpec connect, WorkerPodSpec worker) {
  public static KubernetesSpec defaults() {
    return new KubernetesSpec(ConnectPodSpec.defaults(), WorkerPodSpec.defaults());
  }

  /**
   * The Spark Connect server's pod.
   *
   * @param enabled whether to run the server (the spec's {@code connect.enabled} asks for it too)
   * @param cpu the container's CPU request and limit, a Kubernetes quantity; empty: the model's
   *     default
   * @param memoryMib the container's memory request and limit in MiB, which sizes its heap (see
   *     {@link ContainerMemory}); empty: the model's default
   * @param serviceAccount an existing service account of the namespace to run as, with its token
   *     mounted (a Vault Kubernetes-auth login needs it); empty: none and no token
   */
  public record ConnectPodSpec(
      boolean enabled,
      Optional<String> cpu,
      Optional<Integer> memoryMib,
      Map<String, String> env,
      List<VolumeSpec> volumes,
      Optional<String> serviceAccount) {
    public ConnectPodSpec {
      env = Collections.unmodifiableMap(new TreeMap<>(env));
      volumes = List.copyOf(volumes);
    }

    public static ConnectPodSpec defaults() {
      return new ConnectPodSpec(
          false, Optional.empty(), Optional.empty(), Map.of(), List.of(), Optional.empty());
    }
  }

  /**
   * How worker pods differ from the template.
   *
   * @param cpu the worker container's CPU request and limit, a Kubernetes quantity; empty: the
   *     spec's {@code workers.cores}
   * @param memoryMib the worker container's memory request and limit in MiB; empty: derived from
   *     {@code workers.memory}
   */
  public record WorkerPodSpec(
      Optional<String> cpu,
      Optional<Integer> memoryMib,
      Map<String, String> nodeSelector,
      List<Toleration> tolerations,
      Map<String, String> env,
      List<VolumeSpec> volumes) {
    public WorkerPodSpec {
      nodeSelector = Collections.unmodifiableMap(new TreeMap<>(nodeSelector));
      env = Collections.unmodifiableMap(new TreeMap<>(env));
      tolerations = List.copyOf(tolerations);
      volumes = List.copyOf(volumes);
    }

    public static WorkerPodSpec defaults() {
      return new WorkerPodSpec(
          Optional.empty(), Optional.empty(), Map.of(), List.of(), Map.of(), List.of());
    }
  }

  /** A toleration as Kubernetes has it; empty fields are left out. */
  public record Toleration(
      Optional<String> key,
      String operator,
      Optional<String> value,
      Optional<String> effect,
      Optional<Long> tolerationSeconds) {}

  /**
   * A volume mounted into the worker or Connect server container.
   *
   * @param source for {@code EMPTY_DIR} the optional size limit, else the name of the ConfigMap,
   *     Secret or PersistentVolumeClaim
   */
  public record VolumeSpec(
      String name, String mountPath, Kind kind, Optional<String> source, boolean readOnly) {
    /** Where the volume's content comes from. */
    public enum Kind {
      EMPTY_DIR("emptyDir"),
      CONFIG_MAP("configMap"),
      SECRET("secret"),
      PERSISTENT_VOLUME_CLAIM("persistentVolumeClaim");

      private final String field;

      Kind(String field) {
        this.field = field;
      }

      /** The spec field that selects this kind. */
      public String field() {
        return field;
      }
    }
  }
}
