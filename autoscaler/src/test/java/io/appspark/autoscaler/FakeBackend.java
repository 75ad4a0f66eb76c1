package io.appspark.autoscaler;

import io.appspark.autoscaler.backend.Observation;
import io.appspark.autoscaler.backend.WorkerBackend;
import io.appspark.autoscaler.policy.WorkerView;
import io.appspark.launcher.spark.MasterState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** An in-memory backend: requested workers are pending until {@link #registerAll}. */
public class FakeBackend implements WorkerBackend {
  private final List<WorkerView> workers = new ArrayList<>();
  private final List<MasterState.App> apps = new ArrayList<>();
  private int next = 1;
  public final List<String> requests = new ArrayList<>();

  @Override
  public synchronized Observation observe() {
    return new Observation(workers, apps);
  }

  @Override
  public synchronized void requestWorkers(int total) {
    requests.add("request " + total);
    while (workers.stream().filter(w -> w.phase() != WorkerView.Phase.RETIRING).count() < total) {
      workers.add(WorkerView.pending("worker-" + next++, 1));
    }
  }

  @Override
  public synchronized void retire(List<String> ids) {
    requests.add("retire " + String.join(",", ids));
    workers.removeIf(w -> ids.contains(w.id()));
  }

  @Override
  public String describe() {
    return "fake";
  }

  public synchronized void registerAll() {
    workers.replaceAll(
        w ->
            w.phase() == WorkerView.Phase.PENDING
                ? WorkerView.active(w.id(), w.cores(), 0, Duration.ZERO)
                : w);
  }

  public synchronized void addApp(MasterState.App app) {
    apps.add(app);
  }

  public synchronized int counted() {
    return (int) workers.stream().filter(w -> w.phase() != WorkerView.Phase.RETIRING).count();
  }
}
