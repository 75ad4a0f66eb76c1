package io.appspark.autoscaler.loop;

import io.appspark.autoscaler.policy.Decision;
import java.util.List;

/** A decision as /status shows it. */
public record DecisionRecord(
    long atMillis,
    String action,
    int count,
    List<String> workers,
    int desiredWorkers,
    String reason) {
  static DecisionRecord of(Decision decision, long atMillis) {
    if (decision instanceof Decision.Add add) {
      return new DecisionRecord(
          atMillis, "add", add.count(), List.of(), add.desiredWorkers(), add.reason());
    }
    if (decision instanceof Decision.Retire retire) {
      return new DecisionRecord(
          atMillis,
          "retire",
          retire.workerIds().size(),
          retire.workerIds(),
          retire.desiredWorkers(),
          retire.reason());
    }
    return new DecisionRecord(
        atMillis, "hold", 0, List.of(), decision.desiredWorkers(), decision.reason());
  }
}
