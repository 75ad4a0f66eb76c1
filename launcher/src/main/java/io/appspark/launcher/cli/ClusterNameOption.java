package io.appspark.launcher.cli;

import picocli.CommandLine.Option;

/** {@code --name}, for commands that act on a running cluster. */
final class ClusterNameOption {
  @Option(
      names = "--name",
      description = "Cluster name (default: $APPSPARK_CLUSTER, else 'appspark').")
  String name;

  String resolve(CliContext context) {
    return name != null ? name : context.defaultCluster();
  }
}
