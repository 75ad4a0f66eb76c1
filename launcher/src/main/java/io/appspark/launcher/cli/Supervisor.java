package io.appspark.launcher.cli;

import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.Progress;
import io.appspark.launcher.local.ClusterLayout;
import io.appspark.launcher.local.ClusterState;
import io.appspark.launcher.local.ControlServer;
import io.appspark.launcher.local.Installation;
import io.appspark.launcher.local.LocalCluster;
import io.appspark.launcher.local.RunningCluster;
import io.appspark.launcher.local.StateFiles;
import io.appspark.launcher.spec.ClusterSpec;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** Runs a local cluster in this process until it is told to stop (Ctrl-C, SIGTERM, `down`). */
final class Supervisor {
  private Supervisor() {}

  /** Starts the cluster and its control API; the caller owns closing it. */
  static LocalCluster start(
      ClusterSpec spec,
      ClusterLayout layout,
      Installation installation,
      Duration timeout,
      Progress progress,
      Runnable onShutdownRequest) {
    if (RunningCluster.find(spec.name(), layout).isPresent()) {
      throw new LauncherException(
          ExitCode.USAGE,
          "--name: a cluster named '"
              + spec.name()
              + "' is already running; stop it with ./appspark down --name "
              + spec.name()
              + ", or choose another --name");
    }
    LocalCluster cluster = new LocalCluster(spec, layout, installation.verified());
    cluster.start(timeout, progress);
    try {
      ControlServer.start(cluster, new StateFiles(layout), onShutdownRequest);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Blocks until shutdown is requested or the master fails; then stops everything. */
  static int runUntilStopped(
      ClusterSpec spec,
      ClusterLayout layout,
      Installation installation,
      Duration timeout,
      Progress progress,
      java.util.function.Consumer<LocalCluster> onReady) {
    CountDownLatch stop = new CountDownLatch(1);
    LocalCluster cluster = start(spec, layout, installation, timeout, progress, stop::countDown);
    Thread hook = new Thread(cluster::close, "appspark-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    onReady.accept(cluster);
    try {
      while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
        if (cluster.state().phase() == ClusterState.Phase.FAILED) {
          cluster.close();
          throw new LauncherException(
              ExitCode.FAILED,
              "the master of cluster '" + spec.name() + "' failed; see " + layout.logs());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cluster.close();
    return ExitCode.OK.code();
  }
}
