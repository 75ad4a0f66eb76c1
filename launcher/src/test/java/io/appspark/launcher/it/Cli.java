package io.appspark.launcher.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real appspark CLI, run as its own process the way {@code ./appspark} runs it (minus the build
 * step), against a state directory of the test's own.
 */
public final class Cli {
  public static final Path HOME =
      Path.of(System.getProperty("appspark.home", "..")).toAbsolutePath().normalize();
  public static final Path EXAMPLES_JAR = HOME.resolve("examples/target/appspark-examples.jar");

  private final Path stateDir;
  private final java.util.Map<String, String> env;

  public Cli(Path stateDir) {
    this(stateDir, java.util.Map.of());
  }

  /** A CLI whose process gets {@code env} added to its environment (e.g. KUBECONFIG). */
  public Cli(Path stateDir, java.util.Map<String, String> env) {
    this.stateDir = stateDir;
    this.env = java.util.Map.copyOf(env);
  }

  public Path stateDir() {
    return stateDir;
  }

  public Path clusterDir(String name) {
    return stateDir.resolve("clusters").resolve(name);
  }

  public record Result(int exitCode, String out, String err) {}

  /** Runs a command to its end (at most five minutes). */
  public Result run(String... args) {
    return run(java.time.Duration.ofMinutes(5), args);
  }

  /** {@code up -f spec --no-autoscaler --detach}: a cluster that outlives the command. */
  public Result upDetached(Path spec) {
    return run(
        java.time.Duration.ofMinutes(11),
        "up",
        "-f",
        spec.toString(),
        "--no-autoscaler",
        "--detach",
        "--timeout",
        "600");
  }

  /** Runs a command to its end, at most {@code timeout}. */
  public Result run(java.time.Duration timeout, String... args) {
    try {
      Path out = Files.createTempFile(stateDir, "cli", ".out");
      Path err = Files.createTempFile(stateDir, "cli", ".err");
      Process p = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            "appspark "
                + String.join(" ", args)
                + " did not finish in "
                + timeout
                + "; its output so far:\n"
                + Files.readString(out)
                + "\n"
                + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Starts a command and returns at once; its output goes to {@code log}. */
  public Process start(Path log, String... args) {
    try {
      return builder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ProcessBuilder builder(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dappspark.home=" + HOME);
    cmd.add("-cp");
    cmd.add(
        HOME.resolve("launcher/target/appspark-launcher.jar")
            + ":"
            + HOME.resolve("launcher/target/lib")
            + "/*");
    cmd.add("io.appspark.launcher.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(cmd);
    builder.environment().put("APPSPARK_STATE_DIR", stateDir.toString());
    builder.environment().remove("APPSPARK_CLUSTER");
    builder.environment().putAll(env);
    return builder;
  }

  /** Every process of a cluster: its command line names the cluster's directory. */
  public List<ProcessHandle> processesOf(String cluster) {
    String dir = clusterDir(cluster).toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(dir)).orElse(false))
        .toList();
  }

  /** Last resort after a test: no process of the cluster survives it. */
  public void killAll(String cluster) {
    processesOf(cluster).forEach(ProcessHandle::destroyForcibly);
  }

  public static String text(Result r) {
    return "exit " + r.exitCode() + "\nstdout:\n" + r.out() + "\nstderr:\n" + r.err();
  }
}
