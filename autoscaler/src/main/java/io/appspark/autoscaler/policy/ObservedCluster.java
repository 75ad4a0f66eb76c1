package io.appspark.autoscaler.policy;

import java.util.List;

/** The workers of a cluster at one moment: registered, pending and retiring. */
public record ObservedCluster(List<WorkerView> workers) {
  public ObservedCluster {
    workers = List.copyOf(workers);
  }

  /** Workers that count: active ones and those requested but not yet registered. */
  public int counted() {
    return (int) workers.stream().filter(w -> w.phase() != WorkerView.Phase.RETIRING).count();
  }

  public int pending() {
    return count(WorkerView.Phase.PENDING);
  }

  public int retiring() {
    return count(WorkerView.Phase.RETIRING);
  }

  public List<WorkerView> active() {
    return workers.stream().filter(w -> w.phase() == WorkerView.Phase.ACTIVE).toList();
  }

  /** Cores not held by an executor, on active workers and on those still starting. */
  public int freeCores() {
    return workers.stream()
        .filter(w -> w.phase() != WorkerView.Phase.RETIRING)
        .mapToInt(WorkerView::freeCores)
        .sum();
  }

  public int busyCores() {
    return workers.stream().mapToInt(WorkerView::coresUsed).sum();
  }

  private int count(WorkerView.Phase phase) {
    return (int) workers.stream().filter(w -> w.phase() == phase).count();
  }
}
