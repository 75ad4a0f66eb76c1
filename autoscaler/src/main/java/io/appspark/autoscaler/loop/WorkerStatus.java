package io.appspark.autoscaler.loop;

import io.appspark.autoscaler.policy.WorkerView;

/** A worker as /status shows it. */
public record WorkerStatus(String id, String phase, int cores, int coresUsed, long idleSeconds) {
  static WorkerStatus of(WorkerView w) {
    return new WorkerStatus(
        w.id(),
        w.phase().name().toLowerCase(java.util.Locale.ROOT),
        w.cores(),
        w.coresUsed(),
        w.idleFor().toSeconds());
  }
}
