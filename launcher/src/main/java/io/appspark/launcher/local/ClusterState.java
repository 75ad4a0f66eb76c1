package io.appspark.launcher.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What a running local cluster's supervisor records in {@code cluster.json}, so that other shells
 * ({@code status}, {@code scale}, {@code down}) and the autoscaler find its processes.
 *
 * @param connectUrl the Spark Connect server's {@code sc://} URL once it is ready, else null
 * @param connectPid the Spark Connect server's pid, 0 when it runs none
 * @param autoscalerUrl the autoscaler's address, or null when the cluster runs without one
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterState(
    String name,
    Phase phase,
    long supervisorPid,
    long masterPid,
    String masterUrl,
    String masterWebUrl,
    int controlPort,
    int targetWorkers,
    List<WorkerProcess> workers,
    String connectUrl,
    long connectPid,
    String autoscalerUrl) {

  public ClusterState {
    workers = workers == null ? List.of() : List.copyOf(workers);
  }

  /** A cluster without a Spark Connect server or an autoscaler. */
  public ClusterState(
      String name,
      Phase phase,
      long supervisorPid,
      long masterPid,
      String masterUrl,
      String masterWebUrl,
      int controlPort,
      int targetWorkers,
      List<WorkerProcess> workers) {
    this(
        name,
        phase,
        supervisorPid,
        masterPid,
        masterUrl,
        masterWebUrl,
        controlPort,
        targetWorkers,
        workers,
        null,
        0,
        null);
  }

  public enum Phase {
    STARTING,
    READY,
    STOPPING,
    FAILED
  }

  /** One worker process: its ordinal (worker-N), pid, RPC port, and whether it is retiring. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record WorkerProcess(int ordinal, long pid, int rpcPort, boolean retiring) {
    public String id() {
      return "worker-" + ordinal;
    }

    public WorkerProcess retire() {
      return new WorkerProcess(ordinal, pid, rpcPort, true);
    }
  }
}
