package io.appspark.launcher.cli;

import io.appspark.client.ClusterLocator;
import io.appspark.client.StateDirectory;
import io.appspark.launcher.local.ClusterLayout;
import io.appspark.launcher.local.Installation;
import io.appspark.launcher.secrets.SecretResolver;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the commands take from the environment, read once at startup: where state lives, where
 * appspark is installed, the default cluster name, how secret references are resolved (Vault from
 * {@code VAULT_ADDR} and its login variables, {@code env:} and {@code file:}), and where output
 * goes.
 */
public record CliContext(
    StateDirectory stateDirectory,
    Installation installation,
    String defaultCluster,
    SecretResolver secretResolver,
    PrintStream out,
    PrintStream err) {
  public static CliContext fromSystem() {
    Map<String, String> env = System.getenv();
    return new CliContext(
        StateDirectory.fromSystem(),
        Installation.fromSystem(),
        env.getOrDefault(
            ClusterLocator.CLUSTER_ENV, io.appspark.launcher.spec.ClusterSpec.DEFAULT_NAME),
        SecretResolver.fromEnvironment(env, Optional.empty()),
        System.out,
        System.err);
  }

  public ClusterLayout layout(String clusterName) {
    return new ClusterLayout(stateDirectory.cluster(clusterName));
  }
}
