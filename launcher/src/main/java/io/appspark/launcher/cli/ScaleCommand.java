package io.appspark.launcher.cli;

import io.appspark.launcher.Await;
import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.Progress;
import io.appspark.launcher.local.ClusterState;
import io.appspark.launcher.local.RunningCluster;
import io.appspark.launcher.local.StateFiles;
import io.appspark.launcher.spark.MasterClient;
import io.appspark.launcher.spark.MasterState;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "scale",
    description = {
      "Set the number of workers.",
      "New workers register with the master; retired ones are decommissioned first (idle ones",
      "chosen first), so running work is not lost."
    })
final class ScaleCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClusterNameOption name;

  @Mixin KubernetesOptions kubernetes;

  @Mixin OwnerOptions owner;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "SPEC.yaml",
      description =
          "With --kubernetes: the cluster's spec, as given to up (new workers follow it).")
  java.nio.file.Path file;

  @Parameters(
      paramLabel = "N",
      description = "Number of workers, from 0 to the spec's workers.max.")
  int workers;

  @Option(
      names = "--no-wait",
      description = "Return at once instead of waiting for the workers to register or retire.")
  boolean noWait;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "180",
      description = "How long to wait (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--json", description = "Print the cluster's state as JSON when done.")
  boolean json;

  ScaleCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String clusterName = name.resolve(context);
    if (kubernetes.enabled) {
      return onKubernetes(clusterName);
    }
    RunningCluster running = RunningCluster.require(clusterName, context.layout(clusterName));
    ClusterState state =
        running.state().autoscalerUrl() == null
            ? running.control().scale(workers)
            : pinThroughAutoscaler(running, clusterName);
    if (!noWait) {
      Progress progress = Progress.console(context.err());
      MasterClient master = new MasterClient(state.masterWebUrl());
      state =
          Await.until(
              workers + " worker(s) alive in cluster '" + clusterName + "'",
              Duration.ofSeconds(timeoutSeconds),
              progress,
              () -> converged(running, master));
      progress.done(workers + " worker(s) alive");
    }
    context
        .out()
        .println(
            json
                ? StateFiles.toJson(state)
                : "cluster '" + clusterName + "' has " + state.workers().size() + " worker(s)");
    return ExitCode.OK.code();
  }

  /**
   * With an autoscaler beside the cluster, a count set at the supervisor would be undone at the
   * autoscaler's next step; the count is pinned at the autoscaler instead, which then adds workers
   * at once and retires idle ones gracefully ({@code DELETE /scale} there releases the pin).
   */
  private ClusterState pinThroughAutoscaler(RunningCluster running, String clusterName) {
    String autoscalerUrl = running.state().autoscalerUrl();
    java.net.URI uri = java.net.URI.create(autoscalerUrl + "/scale?workers=" + workers);
    try {
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(uri)
                      .timeout(Duration.ofSeconds(10))
                      .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 400) {
        throw new io.appspark.launcher.LauncherException(
            ExitCode.USAGE,
            "the autoscaler of cluster '" + clusterName + "' refused: " + response.body());
      }
    } catch (java.io.IOException e) {
      throw new io.appspark.launcher.LauncherException(
          ExitCode.FAILED,
          "the autoscaler of cluster '" + clusterName + "' does not answer at " + autoscalerUrl);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.appspark.launcher.LauncherException(ExitCode.FAILED, "interrupted");
    }
    context
        .err()
        .println(
            "pinned at " + workers + " worker(s) through the autoscaler (" + autoscalerUrl + ")");
    return running.state();
  }

  private int onKubernetes(String clusterName) {
    SpecOptions specOptions = new SpecOptions();
    specOptions.file = file;
    specOptions.name = name.name;
    var spec = specOptions.load(clusterName);
    if (workers > spec.workers().max()) {
      throw new LauncherException(
          ExitCode.USAGE, "N: at most workers.max (" + spec.workers().max() + "); got " + workers);
    }
    try (var client = kubernetes.client()) {
      var commands = new KubernetesCommands(client, kubernetes.namespace(client), context);
      return commands.scale(
          commands.model(spec, owner), workers, Duration.ofSeconds(timeoutSeconds));
    }
  }

  private Optional<ClusterState> converged(RunningCluster running, MasterClient master) {
    ClusterState now = running.control().state();
    Optional<MasterState> seen = master.state();
    boolean done =
        now.workers().size() == workers
            && now.workers().stream().noneMatch(ClusterState.WorkerProcess::retiring)
            && seen.map(
                    m ->
                        now.workers().stream()
                            .allMatch(
                                w ->
                                    m.workerOnPort(w.rpcPort())
                                        .map(MasterState.Worker::isAlive)
                                        .orElse(false)))
                .orElse(false)
            && seen.map(m -> m.aliveWorkers().size() == workers).orElse(false);
    return done ? Optional.of(now) : Optional.empty();
  }
}
