package io.appspark.launcher.spec;

import java.util.Map;
import java.util.TreeMap;

/**
 * An in-app cluster as the app asks for it. Immutable, and valid by construction when it comes from
 * {@link SpecReader}: everything downstream may trust it.
 */
public record ClusterSpec(
    String name, WorkerPool workers, Map<String, String> sparkConf, KubernetesSpec kubernetes) {
  public static final String DEFAULT_NAME = "appspark";

  public ClusterSpec {
    sparkConf = java.util.Collections.unmodifiableMap(new TreeMap<>(sparkConf));
  }

  /** A spec without a {@code kubernetes:} section. */
  public ClusterSpec(String name, WorkerPool workers, Map<String, String> sparkConf) {
    this(name, workers, sparkConf, KubernetesSpec.defaults());
  }

  public ClusterSpec withInitialWorkers(int initial) {
    return new ClusterSpec(name, workers.withInitial(initial), sparkConf, kubernetes);
  }
}
