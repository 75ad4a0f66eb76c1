package io.appspark.autoscaler.loop;

import io.appspark.autoscaler.policy.WorkerView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers since when each active worker has held no executor. Starts empty after a restart, so a
 * restarted autoscaler waits a full idle timeout before retiring anything: the safe side.
 */
final class IdleTracker {
  private final Map<String, Instant> idleSince = new HashMap<>();

  List<WorkerView> update(List<WorkerView> workers, Instant now) {
    List<WorkerView> out = new ArrayList<>();
    Map<String, Instant> seen = new HashMap<>();
    for (WorkerView w : workers) {
      if (w.phase() == WorkerView.Phase.ACTIVE && !w.busy()) {
        Instant since = idleSince.getOrDefault(w.id(), now);
        seen.put(w.id(), since);
        out.add(WorkerView.active(w.id(), w.cores(), 0, Duration.between(since, now)));
      } else {
        out.add(w);
      }
    }
    idleSince.clear();
    idleSince.putAll(seen);
    return out;
  }
}
