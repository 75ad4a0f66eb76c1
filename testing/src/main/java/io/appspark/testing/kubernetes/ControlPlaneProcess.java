package io.appspark.testing.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops the control plane through {@code start.sh} and {@code stop.sh}, which own every
 * process (they run in sessions of their own and outlive this JVM unless stopped). Closing stops
 * them; a shutdown hook does the same if the JVM ends without closing.
 */
final class ControlPlaneProcess implements AutoCloseable {
  private static final long START_TIMEOUT_SECONDS = 600;
  private static final long STOP_TIMEOUT_SECONDS = 120;

  private final Path scripts;
  private final ControlPlane controlPlane;
  private final Thread shutdownHook;
  private boolean stopped;

  private ControlPlaneProcess(Path scripts, ControlPlane controlPlane) {
    this.scripts = scripts;
    this.controlPlane = controlPlane;
    this.shutdownHook = new Thread(this::stopQuietly, "control-plane-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  static ControlPlaneProcess start(Path scripts) throws IOException, InterruptedException {
    Path build = scripts.resolve("build.sh");
    if (run(List.of(build.toString(), "--print-env"), null, 60) != 0) {
      throw new IllegalStateException(
          "the Kubernetes control-plane binaries are not built: run "
              + build
              + " first (once; idempotent, cached under ~/.cache/appspark)");
    }
    Path state = Files.createTempDirectory("appspark-control-plane-");
    Path log = state.resolve("start.log");
    int rc =
        run(
            List.of(scripts.resolve("start.sh").toString(), state.toString()),
            log,
            START_TIMEOUT_SECONDS);
    ControlPlane plane =
        new ControlPlane(state, state.resolve("kubeconfig"), kubectl(state.resolve("env")));
    ControlPlaneProcess process = new ControlPlaneProcess(scripts, plane);
    if (rc != 0) {
      process.close();
      throw new IllegalStateException(
          "start.sh failed (exit " + rc + "); its output:\n" + Files.readString(log));
    }
    return process;
  }

  ControlPlane controlPlane() {
    return controlPlane;
  }

  @Override
  public synchronized void close() throws IOException {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run: it stops the same processes
    }
    Path log = controlPlane.stateDir().resolve("stop.log");
    List<String> stop =
        List.of(
            scripts.resolve("stop.sh").toString(), controlPlane.stateDir().toString(), "--purge");
    int rc;
    try {
      rc = run(stop, log, STOP_TIMEOUT_SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stop.sh ran", e);
    }
    if (rc != 0) {
      throw new IllegalStateException(
          "stop.sh left processes of " + controlPlane.stateDir() + " running (exit " + rc + ")");
    }
  }

  private void stopQuietly() {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      System.err.println("control plane: stop failed: " + e);
    }
  }

  /** Runs a script to its end; output goes to {@code log} (or is discarded). */
  private static int run(List<String> command, Path log, long timeoutSeconds)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(
        log == null
            ? ProcessBuilder.Redirect.DISCARD
            : ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          command.get(0) + " did not finish in " + timeoutSeconds + " s");
    }
    return process.exitValue();
  }

  private static Path kubectl(Path env) throws IOException {
    if (!Files.exists(env)) {
      return Path.of("kubectl");
    }
    return Files.readAllLines(env).stream()
        .filter(line -> line.startsWith("KUBECTL="))
        .map(line -> Path.of(line.substring("KUBECTL=".length())))
        .findFirst()
        .orElse(Path.of("kubectl"));
  }
}
