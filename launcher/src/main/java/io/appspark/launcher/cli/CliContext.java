package io.appspark.launcher.cli;

import io.appspark.client.ClusterLocator;
import io.appspark.client.StateDirectory;
import io.appspark.launcher.local.ClusterLayout;
import io.appspark.launcher.local.Installation;
import java.io.PrintStream;
import java.util.Map;

/**
 * Everything the commands take from the environment, read once at startup: where state lives, where
 * appspark is installed, the default cluster name, and where output goes.
 */
public record CliContext(
    StateDirectory stateDirectory,
    Installation installation,
    String defaultCluster,
    PrintStream out,
    PrintStream err) {
  public static CliContext fromSystem() {
    Map<String, String> env = System.getenv();
    return new CliContext(
        StateDirectory.fromSystem(),
        Installation.fromSystem(),
        env.getOrDefault(
            ClusterLocator.CLUSTER_ENV, io.appspark.launcher.spec.ClusterSpec.DEFAULT_NAME),
        System.out,
        System.err);
  }

  public ClusterLayout layout(String clusterName) {
    return new ClusterLayout(stateDirectory.cluster(clusterName));
  }
}
