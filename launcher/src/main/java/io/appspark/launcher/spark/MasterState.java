package io.appspark.launcher.spark;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/** The standalone master's state, as its {@code /json/} endpoint reports it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MasterState(
    @JsonProperty("url") String url,
    @JsonProperty("status") String status,
    @JsonProperty("aliveworkers") int aliveWorkerCount,
    @JsonProperty("cores") int cores,
    @JsonProperty("coresused") int coresUsed,
    @JsonProperty("workers") List<Worker> workers,
    @JsonProperty("activeapps") List<App> activeApps) {

  public MasterState {
    workers = workers == null ? List.of() : List.copyOf(workers);
    activeApps = activeApps == null ? List.of() : List.copyOf(activeApps);
  }

  public List<Worker> aliveWorkers() {
    return workers.stream().filter(Worker::isAlive).toList();
  }

  /** The live registration (not a dead earlier one) of the worker listening on {@code port}. */
  public Optional<Worker> workerOnPort(int port) {
    return workers.stream().filter(w -> w.port() == port && !"DEAD".equals(w.state())).findFirst();
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Worker(
      @JsonProperty("id") String id,
      @JsonProperty("host") String host,
      @JsonProperty("port") int port,
      @JsonProperty("webuiaddress") String webUiAddress,
      @JsonProperty("cores") int cores,
      @JsonProperty("coresused") int coresUsed,
      @JsonProperty("memory") int memoryMb,
      @JsonProperty("memoryused") int memoryUsedMb,
      @JsonProperty("state") String state,
      @JsonProperty("lastheartbeat") long lastHeartbeat) {
    public boolean isAlive() {
      return "ALIVE".equals(state);
    }

    public boolean isIdle() {
      return coresUsed == 0;
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record App(
      @JsonProperty("id") String id,
      @JsonProperty("name") String name,
      @JsonProperty("cores") int cores,
      @JsonProperty("memoryperexecutor") int memoryPerExecutorMb,
      @JsonProperty("state") String state,
      @JsonProperty("starttime") long startTime) {}
}
