package io.appspark.launcher.cli;

import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.Progress;
import io.appspark.launcher.local.AutoscalerProcess;
import io.appspark.launcher.local.ClusterLayout;
import io.appspark.launcher.local.ClusterState;
import io.appspark.launcher.local.ControlServer;
import io.appspark.launcher.local.FreePorts;
import io.appspark.launcher.local.Installation;
import io.appspark.launcher.local.LocalCluster;
import io.appspark.launcher.local.RunningCluster;
import io.appspark.launcher.local.StateFiles;
import io.appspark.launcher.secrets.SecretResolver;
import io.appspark.launcher.spec.ClusterSpec;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** Runs a local cluster in this process until it is told to stop (Ctrl-C, SIGTERM, `down`). */
final class Supervisor {
  private Supervisor() {}

  /** Starts the cluster and its control API; the caller owns closing it. */
  static LocalCluster start(
      ClusterSpec spec,
      ClusterLayout layout,
      Installation installation,
      SecretResolver secrets,
      Duration timeout,
      Progress progress,
      Runnable onShutdownRequest) {
    return start(spec, layout, installation, secrets, timeout, progress, onShutdownRequest, false);
  }

  /** As above; with {@code autoscaled}, the cluster's autoscaler runs beside it. */
  static LocalCluster start(
      ClusterSpec spec,
      ClusterLayout layout,
      Installation installation,
      SecretResolver secrets,
      Duration timeout,
      Progress progress,
      Runnable onShutdownRequest,
      boolean autoscaled) {
    refuseIfRunning(spec, layout);
    if (autoscaled && !AutoscalerProcess.isInstalled(installation)) {
      throw new LauncherException(
          ExitCode.USAGE,
          "the autoscaler is not built ("
              + installation.autoscalerJar()
              + "): build it with ./appspark, or start with --no-autoscaler");
    }
    Optional<Integer> autoscalerPort =
        autoscaled ? Optional.of(FreePorts.pick()) : Optional.empty();
    LocalCluster cluster =
        new LocalCluster(
            spec,
            layout,
            installation.verified(),
            autoscalerPort.map(AutoscalerProcess::url),
            secrets);
    cluster.start(timeout, progress);
    try {
      ControlServer.start(cluster, new StateFiles(layout), onShutdownRequest);
      autoscalerPort.ifPresent(
          port -> {
            cluster.startAutoscaler(port);
            progress.done("autoscaler at " + AutoscalerProcess.url(port));
          });
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** A name is one cluster: starting it twice is refused, naming the option and the way out. */
  static void refuseIfRunning(ClusterSpec spec, ClusterLayout layout) {
    if (RunningCluster.find(spec.name(), layout).isPresent()) {
      throw new LauncherException(
          ExitCode.USAGE,
          "--name: a cluster named '"
              + spec.name()
              + "' is already running; stop it with ./appspark down --name "
              + spec.name()
              + ", or choose another --name");
    }
  }

  /** Blocks until shutdown is requested or the master fails; then stops everything. */
  static int runUntilStopped(
      ClusterSpec spec,
      ClusterLayout layout,
      Installation installation,
      SecretResolver secrets,
      Duration timeout,
      Progress progress,
      boolean autoscaled,
      java.util.function.Consumer<LocalCluster> onReady) {
    CountDownLatch stop = new CountDownLatch(1);
    LocalCluster cluster =
        start(spec, layout, installation, secrets, timeout, progress, stop::countDown, autoscaled);
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
