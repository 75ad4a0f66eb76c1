package io.appspark.autoscaler.kubernetes;

import io.appspark.autoscaler.backend.BackendUnavailableException;
import io.appspark.autoscaler.backend.Observation;
import io.appspark.autoscaler.backend.WorkerBackend;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A backend that only the leading replica may use. A standby neither observes nor acts: its scaling
 * loop reports the reason, so its {@code /readyz} answers 503 (its pod stays Ready: the probe is
 * {@code /healthz}; the Service reaches the leader by its pod's label).
 */
public final class LeaderOnlyBackend implements WorkerBackend {
  private final WorkerBackend backend;
  private final BooleanSupplier leading;
  private final Supplier<String> leader;

  public LeaderOnlyBackend(
      WorkerBackend backend, BooleanSupplier leading, Supplier<String> leader) {
    this.backend = backend;
    this.leading = leading;
    this.leader = leader;
  }

  @Override
  public Observation observe() {
    checkLeading();
    return backend.observe();
  }

  @Override
  public void requestWorkers(int total) {
    checkLeading();
    backend.requestWorkers(total);
  }

  @Override
  public void retire(List<String> workerIds) {
    checkLeading();
    backend.retire(workerIds);
  }

  @Override
  public String describe() {
    return backend.describe();
  }

  private void checkLeading() {
    if (!leading.getAsBoolean()) {
      String who = leader.get();
      throw new BackendUnavailableException(
          "standing by: " + (who == null || who.isEmpty() ? "no leader known yet" : who + " leads"),
          null);
    }
  }
}
