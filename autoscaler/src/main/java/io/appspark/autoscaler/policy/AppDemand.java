package io.appspark.autoscaler.policy;

/**
 * What one Spark application wants.
 *
 * @param wantedExecutors executors it wants in all (those it holds included)
 * @param heldExecutors executors it has
 * @param source how the demand was learned
 */
public record AppDemand(
    String appId, Source source, int wantedExecutors, int heldExecutors, int coresPerExecutor) {

  /** Where a demand figure comes from. */
  public enum Source {
    /** The driver's dynamic allocation target. */
    DYNAMIC_ALLOCATION,
    /** A driver without dynamic allocation: spark.cores.max or one executor while it waits. */
    STATIC,
    /** An application the master shows WAITING that no driver announced. */
    WAITING_APP
  }

  public AppDemand {
    if (wantedExecutors < 0 || heldExecutors < 0 || coresPerExecutor < 1) {
      throw new IllegalArgumentException(
          "demand of " + appId + " must not be negative and executors need a core");
    }
  }

  public int wantedCores() {
    return wantedExecutors * coresPerExecutor;
  }
}
