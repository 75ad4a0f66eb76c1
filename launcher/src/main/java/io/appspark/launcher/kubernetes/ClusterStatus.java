package io.appspark.launcher.kubernetes;

import java.util.List;

/**
 * What a cluster on Kubernetes looks like now. A worker pod is ready only once its readiness probe
 * found it registered with the master; on fake nodes (kwok) that is the fake kubelet's word.
 */
public record ClusterStatus(
    String namespace, String name, boolean exists, boolean masterReady, List<Worker> workers) {
  public ClusterStatus {
    workers = List.copyOf(workers);
  }

  /** A worker pod: its phase (Pending, Running, Succeeded, Failed) and readiness. */
  public record Worker(String pod, String phase, boolean ready, String node) {}

  public long readyWorkers() {
    return workers.stream().filter(Worker::ready).count();
  }

  public long runningWorkers() {
    return workers.stream().filter(w -> "Running".equals(w.phase())).count();
  }
}
