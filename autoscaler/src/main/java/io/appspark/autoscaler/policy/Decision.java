package io.appspark.autoscaler.policy;

import java.util.List;

/** What the policy decided, and why: the reason reaches the log, /status and metrics. */
public sealed interface Decision {
  String reason();

  /** The number of workers the policy aims at. */
  int desiredWorkers();

  /** Request this many more workers. */
  record Add(int count, int desiredWorkers, String reason) implements Decision {
    public Add {
      if (count < 1) {
        throw new IllegalArgumentException("add needs at least one worker; got " + count);
      }
    }
  }

  /** Retire these idle workers gracefully. */
  record Retire(List<String> workerIds, int desiredWorkers, String reason) implements Decision {
    public Retire {
      workerIds = List.copyOf(workerIds);
      if (workerIds.isEmpty()) {
        throw new IllegalArgumentException("retire needs at least one worker");
      }
    }
  }

  /** Change nothing. */
  record Hold(int desiredWorkers, String reason) implements Decision {}
}
