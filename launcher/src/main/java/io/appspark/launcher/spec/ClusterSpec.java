package io.appspark.launcher.spec;

import java.util.Map;
import java.util.TreeMap;

/**
 * An in-app cluster as the app asks for it. Immutable, and valid by construction when it comes from
 * {@link SpecReader}: everything downstream may trust it.
 */
public record ClusterSpec(
    String name,
    WorkerPool workers,
    Map<String, String> sparkConf,
    SparkConnect connect,
    KubernetesSpec kubernetes,
    ScaleDown scaleDown) {
  public static final String DEFAULT_NAME = "appspark";

  public ClusterSpec {
    sparkConf = java.util.Collections.unmodifiableMap(new TreeMap<>(sparkConf));
  }

  /** The autoscaler's default scale-down. */
  public ClusterSpec(
      String name,
      WorkerPool workers,
      Map<String, String> sparkConf,
      SparkConnect connect,
      KubernetesSpec kubernetes) {
    this(name, workers, sparkConf, connect, kubernetes, ScaleDown.defaults());
  }

  /** A cluster without a Spark Connect server and without a {@code kubernetes:} section. */
  public ClusterSpec(String name, WorkerPool workers, Map<String, String> sparkConf) {
    this(name, workers, sparkConf, SparkConnect.disabled(), KubernetesSpec.defaults());
  }

  /** A cluster without a {@code kubernetes:} section. */
  public ClusterSpec(
      String name, WorkerPool workers, Map<String, String> sparkConf, SparkConnect connect) {
    this(name, workers, sparkConf, connect, KubernetesSpec.defaults());
  }

  /** A cluster without a Spark Connect server. */
  public ClusterSpec(
      String name, WorkerPool workers, Map<String, String> sparkConf, KubernetesSpec kubernetes) {
    this(name, workers, sparkConf, SparkConnect.disabled(), kubernetes);
  }

  public ClusterSpec withInitialWorkers(int initial) {
    return new ClusterSpec(
        name, workers.withInitial(initial), sparkConf, connect, kubernetes, scaleDown);
  }
}
