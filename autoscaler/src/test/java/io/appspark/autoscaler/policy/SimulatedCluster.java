package io.appspark.autoscaler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A toy cluster for property tests: added workers register after a delay, retired ones leave, and
 * the demand keeps as many workers busy as it needs (busy ones first).
 */
final class SimulatedCluster {
  private record Sim(String id, Instant startedAt, Instant idleSince, boolean busy) {}

  private final int cores;
  private final Duration registerAfter;
  private List<Sim> workers = new ArrayList<>();
  private int next = 1;

  SimulatedCluster(int cores, Duration registerAfter, int initialBusy, Instant now) {
    this.cores = cores;
    this.registerAfter = registerAfter;
    for (int i = 0; i < initialBusy; i++) {
      workers.add(new Sim("worker-" + next++, now.minus(registerAfter), now, true));
    }
  }

  ObservedCluster observe(Instant now) {
    List<WorkerView> views = new ArrayList<>();
    for (Sim w : workers) {
      if (now.isBefore(w.startedAt().plus(registerAfter))) {
        views.add(WorkerView.pending(w.id(), cores));
      } else {
        views.add(
            WorkerView.active(
                w.id(), cores, w.busy() ? cores : 0, Duration.between(w.idleSince(), now)));
      }
    }
    return new ObservedCluster(views);
  }

  /** Applies a decision, then lets the demand occupy registered workers. */
  void apply(Decision decision, int busyWorkersWanted, Instant now) {
    if (decision instanceof Decision.Add add) {
      for (int i = 0; i < add.count(); i++) {
        workers.add(new Sim("worker-" + next++, now, now, false));
      }
    } else if (decision instanceof Decision.Retire retire) {
      workers =
          new ArrayList<>(
              workers.stream().filter(w -> !retire.workerIds().contains(w.id())).toList());
    }
    occupy(busyWorkersWanted, now);
  }

  int size() {
    return workers.size();
  }

  private void occupy(int wanted, Instant now) {
    List<Sim> updated = new ArrayList<>();
    int busy = 0;
    for (Sim w : workers.stream().sorted((a, b) -> Boolean.compare(b.busy(), a.busy())).toList()) {
      boolean registered = !now.isBefore(w.startedAt().plus(registerAfter));
      boolean nowBusy = registered && busy < wanted;
      busy += nowBusy ? 1 : 0;
      Instant idleSince = nowBusy ? now : (w.busy() ? now : w.idleSince());
      updated.add(new Sim(w.id(), w.startedAt(), idleSince, nowBusy));
    }
    workers = updated;
  }
}
