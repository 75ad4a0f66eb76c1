package io.appspark.autoscaler.loop;

import io.appspark.autoscaler.policy.AppDemand;
import java.util.List;

/**
 * What the autoscaler knows and did, as of its latest step: served as JSON by {@code GET /status}.
 *
 * @param pinned the operator's fixed count, or null
 * @param error why the latest step could not observe or act, or null
 */
public record StatusSnapshot(
    String backend,
    boolean ready,
    Integer pinned,
    long observedAtMillis,
    List<WorkerStatus> workers,
    List<AppDemand> demand,
    int wantedExecutors,
    int wantedWorkers,
    DecisionRecord lastDecision,
    List<DecisionRecord> decisions,
    List<Sample> history,
    String error) {

  static StatusSnapshot initial(String backend) {
    return new StatusSnapshot(
        backend, false, null, 0, List.of(), List.of(), 0, 0, null, List.of(), List.of(), null);
  }
}
