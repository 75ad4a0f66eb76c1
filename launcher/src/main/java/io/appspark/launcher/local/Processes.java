package io.appspark.launcher.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starting and stopping the processes of a local cluster. */
public final class Processes {
  private Processes() {}

  public static Process start(JvmCommand command) {
    return startWithInput(command, java.util.Map.of());
  }

  /**
   * Starts the process and writes {@code input} to its standard input, then closes it: settings
   * that must not appear on a command line or in a file.
   */
  public static Process startWithInput(JvmCommand command, java.util.Map<String, String> input) {
    Process process = start(command, input);
    if (input.isEmpty()) {
      return process;
    }
    try {
      writeInput(process, input);
    } catch (IOException e) {
      process.destroyForcibly();
      throw new UncheckedIOException("cannot hand settings to " + command.command().get(0), e);
    }
    return process;
  }

  /** Writes {@code settings} as Java properties to the process's standard input and closes it. */
  static void writeInput(Process process, java.util.Map<String, String> settings)
      throws IOException {
    java.util.Properties properties = new java.util.Properties();
    properties.putAll(settings);
    try (java.io.OutputStream in = process.getOutputStream()) {
      properties.store(in, null);
    }
  }

  private static Process start(JvmCommand command, java.util.Map<String, String> input) {
    try {
      Files.createDirectories(command.logFile().toAbsolutePath().resolveSibling("."));
      Files.createDirectories(command.workingDirectory());
      ProcessBuilder builder = new ProcessBuilder(command.command());
      builder.environment().putAll(command.environment());
      builder.directory(command.workingDirectory().toFile());
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(command.logFile().toFile()));
      builder.redirectInput(
          input.isEmpty()
              ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
              : ProcessBuilder.Redirect.PIPE);
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.command().get(0), e);
    }
  }

  /** Sends SIGPWR: a Spark worker started with decommissioning enabled retires gracefully. */
  public static void decommission(long pid) {
    signal(pid, "PWR");
  }

  /**
   * Stops a process and whatever it started: SIGTERM, then SIGKILL after {@code grace}. Spark's
   * shutdown hooks get the grace period to stop executors and clean up.
   */
  public static void stop(ProcessHandle process, Duration grace) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    awaitExit(process, grace);
    descendants.forEach(ProcessHandle::destroy);
    descendants.forEach(d -> awaitExit(d, grace));
  }

  private static void awaitExit(ProcessHandle process, Duration grace) {
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      process.destroyForcibly();
    } catch (java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static void signal(long pid, String signal) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -s " + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot signal process " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
