package io.appspark.launcher.spec;

/**
 * The cluster's optional Spark Connect server: a long-running driver on the cluster that notebooks
 * and thin clients attach to over gRPC, with no JVM of their own.
 */
public record SparkConnect(boolean enabled) {
  public static SparkConnect disabled() {
    return new SparkConnect(false);
  }
}
