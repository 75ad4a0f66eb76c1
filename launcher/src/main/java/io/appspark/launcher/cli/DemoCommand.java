package io.appspark.launcher.cli;

import io.appspark.client.ClusterLocator;
import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.Progress;
import io.appspark.launcher.local.DriverLauncher;
import io.appspark.launcher.local.LocalCluster;
import io.appspark.launcher.spec.ClusterSpec;
import io.appspark.launcher.spec.SpecOverrides;
import io.appspark.launcher.spec.SpecReader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    description = {
      "Run an analytic job on a fresh local in-app cluster, then tear it down.",
      "Generates customers, aggregates revenue and churn by region, trains and evaluates an MLlib",
      "churn model, and prints the results and the Spark UI address."
    })
final class DemoCommand implements Callable<Integer> {
  static final String MAIN_CLASS = "io.appspark.examples.CustomerChurnDemo";
  private final CliContext context;

  @Option(
      names = "--name",
      defaultValue = "appspark-demo",
      description = "Name of the demo's cluster (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(
      names = "--workers",
      defaultValue = "2",
      description = "Workers (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--customers",
      defaultValue = "200000",
      description = "Customers to generate (default: ${DEFAULT-VALUE}).")
  long customers;

  DemoCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    ClusterSpec spec =
        SpecReader.defaults(new SpecOverrides(Optional.of(name), Optional.of(workers)));
    var layout = context.layout(spec.name());
    Progress progress = Progress.console(context.err());
    progress.done("starting in-app cluster '" + spec.name() + "' with " + workers + " worker(s)");
    try (LocalCluster cluster =
        Supervisor.start(
            spec,
            layout,
            context.installation(),
            context.secretResolver(),
            Duration.ofSeconds(120),
            progress,
            () -> {})) {
      context
          .out()
          .printf("Spark master %s, Spark UI %s%n", cluster.masterUrl(), cluster.masterWebUrl());
      context.out().flush();
      progress.done("running the demo job " + MAIN_CLASS);
      int exit =
          new DriverLauncher(context.installation())
              .run(
                  layout,
                  new ClusterLocator(java.util.Map.of(), context.stateDirectory())
                      .locate(spec.name()),
                  MAIN_CLASS,
                  context.installation().examplesJar(),
                  List.of(Long.toString(customers)),
                  "1g");
      if (exit != 0) {
        throw new LauncherException(
            ExitCode.FAILED,
            "the demo job failed with exit code " + exit + "; cluster logs: " + layout.logs());
      }
      progress.done("demo job finished; stopping the cluster");
    }
    progress.done("cluster '" + spec.name() + "' stopped");
    return ExitCode.OK.code();
  }
}
