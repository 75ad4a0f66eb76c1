package io.appspark.autoscaler.backend;

import java.util.List;

/**
 * Where workers live: local processes under a supervisor, or pods on Kubernetes. Requests are
 * absolute and idempotent, so an autoscaler that dies between two calls and restarts can neither
 * duplicate nor orphan a worker.
 */
public interface WorkerBackend {
  /** The workers as they are now, joined with the master's view, and the master's applications. */
  Observation observe();

  /** Ensures this many workers exist that are not retiring (started or starting). */
  void requestWorkers(int total);

  /** Retires these workers gracefully (decommissioning), lowering the total by as many. */
  void retire(List<String> workerIds);

  /** A short name for logs and /status, e.g. {@code local(my-app)}. */
  String describe();
}
