package io.appspark.testing.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops a test bed through its scripts, which own every process (they run in sessions of
 * their own and outlive this JVM unless stopped): the control plane with kwok's fake nodes ({@code
 * control-plane/start.sh}, {@code stop.sh}), or the control plane with a real node and the
 * project's images in its runtime ({@code node/up.sh}, {@code down.sh}). Closing stops them; a
 * shutdown hook does the same if the JVM ends without closing.
 */
final class ControlPlaneProcess implements AutoCloseable {
  private static final long START_TIMEOUT_SECONDS = 900;
  private static final long STOP_TIMEOUT_SECONDS = 300;

  /** The kinds of test bed, each started at most once per test run. */
  enum Bed {
    KWOK("control-plane/build.sh", "control-plane/start.sh"),
    REAL_NODE("node/build.sh", "node/up.sh");

    private final String build;
    private final String start;

    Bed(String build, String start) {
      this.build = build;
      this.start = start;
    }
  }

  private final Bed bed;
  private final Path testing;
  private final ControlPlane controlPlane;
  private final Thread shutdownHook;
  private boolean stopped;

  private ControlPlaneProcess(Bed bed, Path testing, ControlPlane controlPlane) {
    this.bed = bed;
    this.testing = testing;
    this.controlPlane = controlPlane;
    this.shutdownHook = new Thread(this::stopQuietly, "control-plane-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** {@code scripts} is {@code testing/control-plane}; the node's scripts sit beside it. */
  static ControlPlaneProcess start(Path scripts, Bed bed) throws IOException, InterruptedException {
    Path testing =
        Objects.requireNonNull(
            scripts.toAbsolutePath().getParent(), "testing/ above " + scripts.toAbsolutePath());
    Path build = testing.resolve(bed.build);
    if (run(List.of(build.toString(), "--print-env"), null, 60) != 0) {
      throw new IllegalStateException(
          "the test bed's binaries are not built: run "
              + build
              + " first (once; idempotent, cached under ~/.cache/appspark)");
    }
    Path state = Files.createTempDirectory("appspark-control-plane-");
    Path log = state.resolve("start.log");
    int rc =
        run(
            List.of(testing.resolve(bed.start).toString(), state.toString()),
            log,
            START_TIMEOUT_SECONDS);
    ControlPlane plane =
        new ControlPlane(state, state.resolve("kubeconfig"), kubectl(state.resolve("env")));
    ControlPlaneProcess process = new ControlPlaneProcess(bed, testing, plane);
    if (rc != 0) {
      // Read first: stopping removes the state directory, the log with it.
      String output = Files.readString(log);
      process.close();
      throw new IllegalStateException(
          bed.start + " failed (exit " + rc + "); its output:\n" + output);
    }
    return process;
  }

  ControlPlane controlPlane() {
    return controlPlane;
  }

  /** What {@code node/up.sh} printed: the control plane's env and {@code IMAGE=...}. */
  String startOutput(String key) throws IOException {
    return Files.readAllLines(controlPlane.stateDir().resolve("start.log")).stream()
        .filter(line -> line.startsWith(key + "="))
        .map(line -> line.substring(key.length() + 1))
        .reduce((first, last) -> last)
        .orElseThrow(() -> new IllegalStateException("start.log names no " + key));
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
    Path log = Path.of(controlPlane.stateDir() + ".stop.log");
    String state = controlPlane.stateDir().toString();
    List<String> stop =
        bed == Bed.KWOK
            ? List.of(testing.resolve("control-plane/stop.sh").toString(), state, "--purge")
            : List.of(testing.resolve("node/down.sh").toString(), state);
    int rc;
    try {
      rc = run(stop, log, STOP_TIMEOUT_SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stop.sh ran", e);
    }
    if (rc != 0) {
      throw new IllegalStateException(
          "stopping the test bed left something of "
              + controlPlane.stateDir()
              + " behind (exit "
              + rc
              + "; see "
              + log
              + ")");
    }
    Files.deleteIfExists(log);
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
