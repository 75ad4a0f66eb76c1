package io.appspark.launcher.cli;

import io.appspark.launcher.ExitCode;
import io.appspark.launcher.local.ClusterState;
import io.appspark.launcher.local.ClusterState.WorkerProcess;
import io.appspark.launcher.local.RunningCluster;
import io.appspark.launcher.local.StateFiles;
import io.appspark.launcher.spark.MasterClient;
import io.appspark.launcher.spark.MasterState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    description = "Show a cluster's master, workers and running applications.")
final class StatusCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClusterNameOption name;

  @Mixin KubernetesOptions kubernetes;

  @Option(names = "--json", description = "Print JSON: the supervisor's state and the master's.")
  boolean json;

  StatusCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String clusterName = name.resolve(context);
    if (kubernetes.enabled) {
      try (var client = kubernetes.client()) {
        return new KubernetesCommands(client, kubernetes.namespace(client), context)
            .status(clusterName);
      }
    }
    Optional<RunningCluster> running =
        RunningCluster.find(clusterName, context.layout(clusterName));
    if (running.isEmpty()) {
      if (json) {
        context.out().println(StateFiles.toJson(Map.of("name", clusterName, "running", false)));
      } else {
        context.out().println("cluster '" + clusterName + "' is not running");
      }
      return ExitCode.NOT_FOUND.code();
    }
    ClusterState state = running.get().state();
    Optional<MasterState> master = new MasterClient(state.masterWebUrl()).state();
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("name", clusterName);
      out.put("running", true);
      out.put("cluster", state);
      out.put("master", master.orElse(null));
      context.out().println(StateFiles.toJson(out));
    } else {
      print(state, master);
    }
    return ExitCode.OK.code();
  }

  private void print(ClusterState state, Optional<MasterState> master) {
    var out = context.out();
    out.printf(
        "cluster '%s': %s, supervisor pid %d%n",
        state.name(), state.phase(), state.supervisorPid());
    out.printf(
        "  master    %s  (UI %s, pid %d)%s%n",
        state.masterUrl(),
        state.masterWebUrl(),
        state.masterPid(),
        master.isPresent() ? "" : "  NOT ANSWERING");
    if (state.connectPid() != 0) {
      out.printf(
          "  connect   %s  (pid %d)%n",
          state.connectUrl() == null ? "NOT READY" : state.connectUrl(), state.connectPid());
    }
    out.printf(
        "  autoscaler %s%n",
        state.autoscalerUrl() == null
            ? "none (started with --no-autoscaler)"
            : state.autoscalerUrl());
    out.printf(
        "  workers   %d running, target %d%n",
        state.workers().stream().filter(w -> !w.retiring()).count(), state.targetWorkers());
    for (WorkerProcess w : state.workers()) {
      String seen =
          master
              .flatMap(m -> m.workerOnPort(w.rpcPort()))
              .map(s -> s.state() + ", " + s.coresUsed() + "/" + s.cores() + " cores used")
              .orElse("not registered");
      out.printf(
          "    %-10s pid %-8d port %-6d %s%s%n",
          w.id(), w.pid(), w.rpcPort(), seen, w.retiring() ? " (retiring)" : "");
    }
    master.ifPresent(
        m -> {
          out.printf("  apps      %d running%n", m.activeApps().size());
          m.activeApps()
              .forEach(
                  a ->
                      out.printf(
                          "    %-28s %-24s %s, %d cores%n",
                          a.id(), a.name(), a.state(), a.cores()));
        });
  }
}
