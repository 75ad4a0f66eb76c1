package io.appspark.launcher.cli;

import io.appspark.client.ClusterConnection;
import io.appspark.client.ClusterLocator;
import io.appspark.launcher.local.DriverLauncher;
import io.appspark.launcher.local.RunningCluster;
import io.appspark.launcher.secrets.SecretRedaction;
import io.appspark.launcher.secrets.SecretResolver;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "submit",
    description = {
      "Run an app's main class as a Spark driver on a running cluster.",
      "Exits with the driver's exit code."
    })
final class SubmitCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClusterNameOption name;

  @Option(
      names = "--class",
      required = true,
      paramLabel = "MAIN",
      description = "The app's main class.")
  String mainClass;

  @Option(
      names = "--driver-memory",
      defaultValue = "1g",
      description = "Driver heap (default: ${DEFAULT-VALUE}).")
  String driverMemory;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description =
          "A Spark setting for this driver; repeatable. Wins over the cluster's driver settings.")
  java.util.Map<String, String> conf = new java.util.LinkedHashMap<>();

  @Parameters(
      index = "0",
      paramLabel = "APP.jar",
      description = "The app's jar (with its own dependencies, not Spark's).")
  Path appJar;

  @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the app.")
  List<String> args = List.of();

  SubmitCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String clusterName = name.resolve(context);
    RunningCluster running = RunningCluster.require(clusterName, context.layout(clusterName));
    ClusterConnection cluster =
        new ClusterLocator(java.util.Map.of(), context.stateDirectory()).locate(clusterName);
    java.util.Map<String, String> driverConf = new java.util.TreeMap<>(cluster.sparkConf());
    driverConf.putAll(conf);
    SecretResolver.Resolved resolved = context.secretResolver().resolveAll(driverConf);
    ClusterConnection withConf =
        cluster.withSparkConf(
            SecretRedaction.withRedaction(driverConf).entrySet().stream()
                .filter(e -> !resolved.secretKeys().contains(e.getKey()))
                .collect(
                    java.util.stream.Collectors.toMap(
                        java.util.Map.Entry::getKey,
                        java.util.Map.Entry::getValue,
                        (a, b) -> b,
                        java.util.TreeMap::new)));
    return new DriverLauncher(context.installation())
        .run(running.layout(), withConf, resolved.secrets(), mainClass, appJar, args, driverMemory);
  }
}
