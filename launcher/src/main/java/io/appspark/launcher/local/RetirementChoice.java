package io.appspark.launcher.local;

import io.appspark.launcher.local.ClusterState.WorkerProcess;
import io.appspark.launcher.spark.MasterState;
import java.util.Comparator;
import java.util.List;

/**
 * Which workers to retire when a cluster shrinks: idle ones first (no cores in use), then the least
 * busy; among equals the newest. Pure.
 */
public final class RetirementChoice {
  private RetirementChoice() {}

  public static List<WorkerProcess> choose(
      List<WorkerProcess> active, MasterState master, int count) {
    Comparator<WorkerProcess> leastBusyFirst =
        Comparator.<WorkerProcess>comparingInt(w -> coresUsed(w, master))
            .thenComparing(Comparator.comparingInt(WorkerProcess::ordinal).reversed());
    return active.stream().sorted(leastBusyFirst).limit(Math.max(0, count)).toList();
  }

  private static int coresUsed(WorkerProcess worker, MasterState master) {
    return master == null
        ? 0
        : master.workerOnPort(worker.rpcPort()).map(MasterState.Worker::coresUsed).orElse(0);
  }
}
