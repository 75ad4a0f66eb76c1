package io.appspark.launcher.cli;

import io.appspark.launcher.Await;
import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.Progress;
import io.appspark.launcher.local.ClusterLayout;
import io.appspark.launcher.local.ClusterState;
import io.appspark.launcher.local.Installation;
import io.appspark.launcher.local.StateFiles;
import io.appspark.launcher.spec.ClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "up",
    description = {
      "Start an in-app cluster (a Spark master, workers, optionally a Spark Connect server) here.",
      "Runs in the foreground until Ctrl-C or `appspark down`; with --detach it returns once the cluster is ready.",
      "With --kubernetes: applies the cluster (with its autoscaler Deployment unless --no-autoscaler)",
      "in the namespace, owned by --owner, and returns once the master is ready and the minimum workers run."
    })
final class UpCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin SpecOptions specOptions;

  @Mixin KubernetesOptions kubernetes;

  @Mixin OwnerOptions owner;

  @Option(
      names = {"-d", "--detach"},
      description = "Run the cluster in the background and return once it is ready.")
  boolean detach;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description = "How long to wait for the cluster to be ready (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--json", description = "Print the ready cluster's state as JSON.")
  boolean json;

  @Option(
      names = "--no-autoscaler",
      description =
          "Run without the autoscaler: the workers stay as many as --workers or `appspark scale` says.")
  boolean noAutoscaler;

  UpCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    ClusterSpec spec = specOptions.load(context.defaultCluster());
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    if (kubernetes.enabled) {
      return onKubernetes(spec, timeout);
    }
    ClusterLayout layout = context.layout(spec.name());
    Progress progress = Progress.console(context.err());
    if (detach) {
      return detached(spec, layout, timeout, progress);
    }
    return Supervisor.runUntilStopped(
        spec,
        layout,
        context.installation(),
        context.secretResolver(),
        timeout,
        progress,
        !noAutoscaler,
        cluster -> report(cluster.state()));
  }

  /** Applies the cluster with the minimum workers (--workers: that many instead). */
  private int onKubernetes(ClusterSpec spec, Duration timeout) {
    try (var client = kubernetes.client()) {
      var commands = new KubernetesCommands(client, kubernetes.namespace(client), context);
      int workers = specOptions.workers != null ? spec.workers().initial() : spec.workers().min();
      var model = commands.model(spec, owner);
      return commands.up(
          noAutoscaler ? model : model.withAutoscaler(specOptions.text()), workers, timeout);
    }
  }

  private int detached(ClusterSpec spec, ClusterLayout layout, Duration timeout, Progress progress)
      throws IOException {
    Files.createDirectories(layout.logs());
    Supervisor.refuseIfRunning(spec, layout);
    Files.deleteIfExists(layout.stateFile());
    Process supervisor =
        new ProcessBuilder(supervisorCommand(spec))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.supervisorLog().toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    ClusterState ready =
        Await.until(
            "cluster '" + spec.name() + "' to be ready (supervisor pid " + supervisor.pid() + ")",
            timeout.plusSeconds(10),
            progress,
            () -> {
              if (!supervisor.isAlive()) {
                throw new LauncherException(
                    ExitCode.FAILED,
                    "cluster '" + spec.name() + "' failed to start:\n" + tail(layout));
              }
              return new StateFiles(layout)
                  .read()
                  .filter(s -> s.phase() == ClusterState.Phase.READY && s.controlPort() > 0);
            });
    report(ready);
    return ExitCode.OK.code();
  }

  private List<String> supervisorCommand(ClusterSpec spec) {
    List<String> cmd = new ArrayList<>();
    // A session of its own: Ctrl-C in this terminal must not reach the detached cluster.
    onPath("setsid").ifPresent(cmd::add);
    cmd.add(context.installation().java().toString());
    cmd.add("-D" + Installation.HOME_PROPERTY + "=" + context.installation().home());
    cmd.add(
        "-D"
            + Installation.JARS_PROPERTY
            + "="
            + context.installation().parentWatchJar().getParent());
    cmd.add("-Dappspark.log.level=info");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.add("up");
    cmd.add("--name=" + spec.name());
    cmd.add("--timeout=" + timeoutSeconds);
    if (specOptions.file != null) {
      cmd.add("--file=" + specOptions.file.toAbsolutePath());
    }
    if (specOptions.workers != null) {
      cmd.add("--workers=" + specOptions.workers);
    }
    if (specOptions.connect) {
      cmd.add("--connect");
    }
    if (noAutoscaler) {
      cmd.add("--no-autoscaler");
    }
    return cmd;
  }

  private void report(ClusterState state) {
    if (json) {
      context.out().println(StateFiles.toJson(state));
      return;
    }
    context
        .out()
        .printf(
            "cluster '%s' is up: master %s, %d worker(s), Spark UI %s%n",
            state.name(), state.masterUrl(), state.workers().size(), state.masterWebUrl());
    if (state.connectUrl() != null) {
      context.out().println("Spark Connect server at " + state.connectUrl());
    }
    if (state.autoscalerUrl() != null) {
      context
          .out()
          .println("autoscaler " + state.autoscalerUrl() + " (dashboard; /status, /metrics)");
    }
    context
        .out()
        .println(
            detach
                ? "stop it with: ./appspark down --name " + state.name()
                : "Ctrl-C or ./appspark down --name " + state.name() + " stops it");
    context.out().flush();
  }

  private static java.util.Optional<String> onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    return java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> java.nio.file.Path.of(dir, program))
        .filter(Files::isExecutable)
        .map(java.nio.file.Path::toString)
        .findFirst();
  }

  private static String tail(ClusterLayout layout) {
    try {
      List<String> lines = Files.readAllLines(layout.supervisorLog());
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log at " + layout.supervisorLog() + ")";
    }
  }
}
