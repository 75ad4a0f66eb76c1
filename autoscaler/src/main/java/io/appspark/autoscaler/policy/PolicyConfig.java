package io.appspark.autoscaler.policy;

import java.time.Duration;

/**
 * The limits the policy works within.
 *
 * @param coresPerWorker cores each worker offers; one worker is the unit of scaling
 * @param maxStep most workers added or retired by one decision
 * @param idleTimeout how long a worker must have had no executor before it may be retired
 * @param scaleDownCooldown how far back the policy remembers demand when deciding to shrink: a dip
 *     shorter than this retires nothing, so oscillating demand does not make workers flap
 */
public record PolicyConfig(
    int minWorkers,
    int maxWorkers,
    int coresPerWorker,
    int maxStep,
    Duration idleTimeout,
    Duration scaleDownCooldown) {

  public PolicyConfig {
    require(minWorkers >= 0, "minWorkers must be at least 0; got " + minWorkers);
    require(
        maxWorkers >= Math.max(1, minWorkers),
        "maxWorkers must be at least 1 and at least minWorkers ("
            + minWorkers
            + "); got "
            + maxWorkers);
    require(coresPerWorker >= 1, "coresPerWorker must be at least 1; got " + coresPerWorker);
    require(maxStep >= 1, "maxStep must be at least 1; got " + maxStep);
    require(!idleTimeout.isNegative(), "idleTimeout must not be negative; got " + idleTimeout);
    require(
        !scaleDownCooldown.isNegative(),
        "scaleDownCooldown must not be negative; got " + scaleDownCooldown);
  }

  int clamp(int workers) {
    return Math.max(minWorkers, Math.min(maxWorkers, workers));
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
