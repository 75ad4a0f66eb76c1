package io.appspark.autoscaler.backend;

import io.appspark.autoscaler.policy.WorkerView;
import io.appspark.launcher.spark.MasterState;
import java.util.List;

/**
 * One look at the cluster: its workers (idle times not yet known: zero) and the applications the
 * master runs.
 */
public record Observation(List<WorkerView> workers, List<MasterState.App> apps) {
  public Observation {
    workers = List.copyOf(workers);
    apps = List.copyOf(apps);
  }
}
