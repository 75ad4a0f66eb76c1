package io.appspark.launcher.cli;

import io.appspark.launcher.Await;
import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.Progress;
import io.appspark.launcher.local.RunningCluster;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "down", description = "Stop a cluster: its workers, master and supervisor.")
final class DownCommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private final CliContext context;

  @Mixin ClusterNameOption name;

  @Mixin KubernetesOptions kubernetes;

  DownCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String clusterName = name.resolve(context);
    if (kubernetes.enabled) {
      try (var client = kubernetes.client()) {
        return new KubernetesCommands(client, kubernetes.namespace(client), context)
            .down(clusterName);
      }
    }
    Optional<RunningCluster> running =
        RunningCluster.find(clusterName, context.layout(clusterName));
    if (running.isEmpty()) {
      context.out().println("cluster '" + clusterName + "' is not running");
      return ExitCode.OK.code();
    }
    ProcessHandle supervisor =
        ProcessHandle.of(running.get().state().supervisorPid())
            .orElseThrow(
                () ->
                    new LauncherException(
                        ExitCode.NOT_FOUND, "cluster '" + clusterName + "' just stopped"));
    try {
      running.get().control().shutdown();
    } catch (LauncherException e) {
      supervisor.destroy();
    }
    Await.until(
        "cluster '" + clusterName + "' to stop (supervisor pid " + supervisor.pid() + ")",
        TIMEOUT,
        Progress.console(context.err()),
        () -> supervisor.isAlive() ? Optional.empty() : Optional.of(true));
    RunningCluster.cleanUpAfterStop(clusterName, context.layout(clusterName));
    context.out().println("cluster '" + clusterName + "' stopped");
    return ExitCode.OK.code();
  }
}
