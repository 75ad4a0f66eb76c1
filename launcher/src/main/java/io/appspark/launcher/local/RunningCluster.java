package io.appspark.launcher.local;

import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/** A cluster found through its state files, from any shell. */
public record RunningCluster(String name, ClusterLayout layout, ClusterState state) {

  /** The cluster if its supervisor is alive; stale state of a dead one is cleaned up. */
  public static Optional<RunningCluster> find(String name, ClusterLayout layout) {
    StateFiles files = new StateFiles(layout);
    Optional<ClusterState> state = files.read();
    if (state.isEmpty()) {
      return Optional.empty();
    }
    if (ProcessHandle.of(state.get().supervisorPid()).map(ProcessHandle::isAlive).orElse(false)) {
      return Optional.of(new RunningCluster(name, layout, state.get()));
    }
    stopLeftovers(name, state.get());
    files.removeRunningState();
    return Optional.empty();
  }

  /**
   * After a supervisor exited: ends any of its processes still alive and removes its running state,
   * as {@link #find} does for a dead supervisor.
   */
  public static void cleanUpAfterStop(String name, ClusterLayout layout) {
    find(name, layout);
  }

  public static RunningCluster require(String name, ClusterLayout layout) {
    return find(name, layout)
        .orElseThrow(
            () ->
                new LauncherException(
                    ExitCode.NOT_FOUND,
                    "no cluster named '"
                        + name
                        + "' is running; start one with ./appspark up --name "
                        + name));
  }

  public ControlClient control() {
    String token =
        new StateFiles(layout)
            .controlToken()
            .orElseThrow(
                () ->
                    new LauncherException(
                        ExitCode.NOT_FOUND, "cluster '" + name + "' is still starting"));
    return new ControlClient(state.controlPort(), token, name);
  }

  /**
   * A supervisor killed with SIGKILL leaves state behind; its children end themselves (the
   * parent-watch agent), and this ends any that have not yet, if they are still this cluster's.
   */
  private static void stopLeftovers(String name, ClusterState state) {
    Stream.concat(
            Stream.of(state.masterPid()),
            state.workers().stream().map(ClusterState.WorkerProcess::pid))
        .map(ProcessHandle::of)
        .flatMap(Optional::stream)
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(a -> java.util.Arrays.asList(a).contains("-Dappspark.cluster=" + name))
                    .orElse(false))
        .forEach(p -> Processes.stop(p, Duration.ofSeconds(5)));
  }
}
