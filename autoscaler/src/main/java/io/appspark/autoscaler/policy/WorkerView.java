package io.appspark.autoscaler.policy;

import java.time.Duration;

/**
 * One worker as the policy sees it.
 *
 * @param id the backend's name for it (worker-3 locally, a pod name on Kubernetes)
 * @param coresUsed cores its executors hold, as the master reports; more than 0 means busy
 * @param idleFor how long it has held no executor (zero while busy or pending)
 */
public record WorkerView(String id, Phase phase, int cores, int coresUsed, Duration idleFor) {

  /** Where a worker is in its life. */
  public enum Phase {
    /** Requested or started, not yet registered with the master. */
    PENDING,
    /** Registered and alive. */
    ACTIVE,
    /** Being decommissioned: it counts no longer. */
    RETIRING
  }

  public boolean busy() {
    return coresUsed > 0;
  }

  public int freeCores() {
    return Math.max(0, cores - coresUsed);
  }

  public static WorkerView pending(String id, int cores) {
    return new WorkerView(id, Phase.PENDING, cores, 0, Duration.ZERO);
  }

  public static WorkerView active(String id, int cores, int coresUsed, Duration idleFor) {
    return new WorkerView(
        id, Phase.ACTIVE, cores, coresUsed, coresUsed > 0 ? Duration.ZERO : idleFor);
  }

  public static WorkerView retiring(String id, int cores, int coresUsed) {
    return new WorkerView(id, Phase.RETIRING, cores, coresUsed, Duration.ZERO);
  }
}
