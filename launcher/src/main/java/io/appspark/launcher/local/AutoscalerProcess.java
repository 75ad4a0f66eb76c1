package io.appspark.launcher.local;

import io.appspark.launcher.spec.ClusterSpec;
import io.appspark.launcher.spec.ScaleDown;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's autoscaler as a child process of the supervisor: it dies with the supervisor
 * (parent-watch) and is started again if it exits, which it survives by adopting the workers that
 * exist. Runs from the autoscaler module's jar; nothing of it is on this classpath.
 */
public final class AutoscalerProcess implements AutoCloseable {
  static final String MAIN_CLASS = "io.appspark.autoscaler.Main";
  private static final Logger LOG = LoggerFactory.getLogger(AutoscalerProcess.class);

  private final JvmCommand command;
  private final String marker;
  private Process process;

  private AutoscalerProcess(JvmCommand command, String clusterName) {
    this.command = command;
    this.marker = "cluster(" + clusterName + ")";
  }

  /** Whether the autoscaler has been built beside this launcher. */
  public static boolean isInstalled(Installation installation) {
    return Files.isRegularFile(installation.autoscalerJar());
  }

  public static String url(int port) {
    return "http://127.0.0.1:" + port;
  }

  public static AutoscalerProcess start(
      Installation installation, ClusterLayout layout, ClusterSpec spec, int port) {
    AutoscalerProcess autoscaler =
        new AutoscalerProcess(
            command(installation, layout, spec, port, ProcessHandle.current().pid()), spec.name());
    autoscaler.startProcess();
    return autoscaler;
  }

  /** The command line: pure, so it is tested without starting anything. */
  static JvmCommand command(
      Installation installation,
      ClusterLayout layout,
      ClusterSpec spec,
      int port,
      long supervisorPid) {
    List<String> cmd =
        List.of(
            installation.java().toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dappspark.log.level=info",
            "-Dappspark.cluster=" + spec.name(),
            "-cp",
            installation.parentWatchJar()
                + ":"
                + installation.autoscalerJar()
                + ":"
                + installation.autoscalerLib()
                + "/*",
            SparkCommands.WATCH_PARENT_CLASS,
            Long.toString(supervisorPid),
            MAIN_CLASS);
    Map<String, String> env =
        Map.of(
            "APPSPARK_AUTOSCALER_CLUSTER", spec.name(),
            "APPSPARK_AUTOSCALER_CLUSTER_DIR", layout.root().toString(),
            "APPSPARK_AUTOSCALER_PORT", Integer.toString(port),
            "APPSPARK_AUTOSCALER_MIN_WORKERS", Integer.toString(spec.workers().min()),
            "APPSPARK_AUTOSCALER_MAX_WORKERS", Integer.toString(spec.workers().max()),
            "APPSPARK_AUTOSCALER_CORES_PER_WORKER", Integer.toString(spec.workers().cores()),
            "APPSPARK_AUTOSCALER_IDLE_TIMEOUT", ScaleDown.setting(spec.scaleDown().idleTimeout()),
            "APPSPARK_AUTOSCALER_SCALE_DOWN_COOLDOWN",
                ScaleDown.setting(spec.scaleDown().cooldown()));
    return new JvmCommand(cmd, env, layout.root(), layout.logs().resolve("autoscaler.log"));
  }

  /** Starts it again if it exited; returns whether it had to. */
  public synchronized boolean restartIfExited() {
    if (process.isAlive()) {
      return false;
    }
    LOG.warn("{} autoscaler exited with code {}; starting it again", marker, process.exitValue());
    startProcess();
    return true;
  }

  @Override
  public synchronized void close() {
    Processes.stop(process.toHandle(), Duration.ofSeconds(5));
  }

  private void startProcess() {
    process = Processes.start(command);
    LOG.info("{} autoscaler started (pid {})", marker, process.pid());
  }
}
