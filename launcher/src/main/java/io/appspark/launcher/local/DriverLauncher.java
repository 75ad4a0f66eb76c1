package io.appspark.launcher.local;

import io.appspark.client.ClusterConnection;
import io.appspark.client.ClusterLocator;
import io.appspark.client.SparkAuth;
import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs an app's main class as a Spark driver attached to a cluster, in the foreground, with the
 * cluster's driver settings. The driver ends if this process is killed (parent-watch).
 */
public final class DriverLauncher {

  private final Installation installation;

  public DriverLauncher(Installation installation) {
    this.installation = installation.verified();
  }

  public int run(
      ClusterLayout layout,
      ClusterConnection cluster,
      String mainClass,
      Path appJar,
      List<String> args,
      String driverMemory) {
    return run(layout, cluster, Map.of(), mainClass, appJar, args, driverMemory);
  }

  /**
   * Runs the driver with secret settings besides the cluster's: they reach its JVM as system
   * properties through a pipe to its standard input, never through its command line or a file.
   */
  public int run(
      ClusterLayout layout,
      ClusterConnection cluster,
      Map<String, String> secretConf,
      String mainClass,
      Path appJar,
      List<String> args,
      String driverMemory) {
    if (!Files.isRegularFile(appJar)) {
      throw new LauncherException(ExitCode.USAGE, "APP.jar: no such file: " + appJar);
    }
    SparkCommands commands =
        new SparkCommands(
            installation,
            layout,
            cluster.name(),
            ProcessHandle.current().pid(),
            ClassDataArchives.disabled(),
            secretOf(cluster));
    JvmCommand driver =
        commands.driver(
            mainClass,
            appJar,
            args,
            cluster.masterUrl(),
            cluster.sparkConf(),
            driverMemory,
            layout.logs().resolve("driver.log"));
    List<String> command = new ArrayList<>(driver.command());
    command.add(
        1,
        "-Dlog4j2.configurationFile="
            + installation.sparkHome().resolve("conf/log4j2-driver.properties"));
    if (!secretConf.isEmpty()) {
      command.add(command.indexOf(SparkCommands.SPARK_SUBMIT), SparkCommands.STDIN_PROPERTIES);
    }
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    if (!secretConf.isEmpty()) {
      builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    }
    builder.environment().putAll(driver.environment());
    builder
        .environment()
        .put(ClusterLocator.CONNECTION_FILE_ENV, layout.connectionFile().toString());
    builder.environment().put(ClusterLocator.CLUSTER_ENV, cluster.name());
    try {
      Files.createDirectories(layout.tmp());
      Process process = builder.start();
      if (!secretConf.isEmpty()) {
        Processes.writeInput(process, secretConf);
      }
      return process.waitFor();
    } catch (IOException e) {
      throw new LauncherException(ExitCode.FAILED, "cannot start the driver: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException(ExitCode.FAILED, "interrupted");
    }
  }

  /** The secret of an authenticated cluster, read from the file its connection names. */
  private static Optional<AuthSecret> secretOf(ClusterConnection cluster) {
    if (cluster.authSecretFile().isEmpty()) {
      return Optional.empty();
    }
    return SparkAuth.readSecretFile(Path.of(cluster.authSecretFile())).map(AuthSecret::new);
  }
}
