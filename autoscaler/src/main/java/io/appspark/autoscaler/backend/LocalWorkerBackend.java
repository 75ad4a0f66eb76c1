package io.appspark.autoscaler.backend;

import io.appspark.autoscaler.policy.WorkerView;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.local.ClusterLayout;
import io.appspark.launcher.local.ClusterState;
import io.appspark.launcher.local.ClusterState.WorkerProcess;
import io.appspark.launcher.local.ControlClient;
import io.appspark.launcher.local.RunningCluster;
import io.appspark.launcher.spark.MasterClient;
import io.appspark.launcher.spark.MasterState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A local cluster's workers, through its supervisor's control API: the supervisor owns the
 * processes and the target count, so this backend adopts whatever workers exist when it starts.
 */
public final class LocalWorkerBackend implements WorkerBackend {
  private final String clusterName;
  private final ClusterLayout layout;
  private final int coresPerWorker;
  private ControlClient control;
  private MasterClient master;

  public LocalWorkerBackend(String clusterName, ClusterLayout layout, int coresPerWorker) {
    this.clusterName = clusterName;
    this.layout = layout;
    this.coresPerWorker = coresPerWorker;
  }

  @Override
  public Observation observe() {
    ClusterState cluster = call(() -> control().state());
    MasterState seen =
        master(cluster)
            .state()
            .orElseThrow(
                () ->
                    new BackendUnavailableException(
                        "the master at " + cluster.masterWebUrl() + " does not answer", null));
    List<WorkerView> workers = new ArrayList<>();
    for (WorkerProcess p : cluster.workers()) {
      workers.add(view(p, seen.workerOnPort(p.rpcPort())));
    }
    long counted = cluster.workers().stream().filter(w -> !w.retiring()).count();
    for (long i = counted; i < cluster.targetWorkers(); i++) {
      workers.add(WorkerView.pending("requested-" + (i + 1), coresPerWorker));
    }
    return new Observation(workers, seen.activeApps());
  }

  @Override
  public void requestWorkers(int total) {
    call(() -> control().scale(total));
  }

  @Override
  public void retire(List<String> workerIds) {
    call(() -> control().retire(workerIds));
  }

  @Override
  public String describe() {
    return "local(" + clusterName + ")";
  }

  private WorkerView view(WorkerProcess p, Optional<MasterState.Worker> registered) {
    int cores = registered.map(MasterState.Worker::cores).orElse(coresPerWorker);
    int used = registered.map(MasterState.Worker::coresUsed).orElse(0);
    if (p.retiring() || registered.map(w -> w.state().startsWith("DECOMMISSION")).orElse(false)) {
      return WorkerView.retiring(p.id(), cores, used);
    }
    if (registered.filter(MasterState.Worker::isAlive).isPresent()) {
      return WorkerView.active(p.id(), cores, used, Duration.ZERO);
    }
    return WorkerView.pending(p.id(), cores);
  }

  /** Found anew when the supervisor's address changes: the control port lives in its state. */
  private ControlClient control() {
    if (control == null) {
      RunningCluster running =
          RunningCluster.find(clusterName, layout)
              .orElseThrow(
                  () ->
                      new BackendUnavailableException(
                          "cluster '" + clusterName + "' is not running at " + layout.root(),
                          null));
      control = running.control();
    }
    return control;
  }

  private MasterClient master(ClusterState cluster) {
    if (master == null) {
      master = new MasterClient(cluster.masterWebUrl());
    }
    return master;
  }

  private <T> T call(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (LauncherException | IllegalStateException | java.io.UncheckedIOException e) {
      control = null;
      throw new BackendUnavailableException(describe() + ": " + e.getMessage(), e);
    }
  }
}
