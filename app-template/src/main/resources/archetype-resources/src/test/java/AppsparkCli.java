package ${package};

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The appspark CLI ({@code $APPSPARK_CLI}, else {@code $APPSPARK_HOME/appspark}) with a state
 * directory of the test's own, so the test's cluster never meets the developer's.
 */
final class AppsparkCli {
  private final String executable;
  private final Path stateDir;

  private AppsparkCli(String executable, Path stateDir) {
    this.executable = executable;
    this.stateDir = stateDir;
  }

  static AppsparkCli fromEnvironment(Path stateDir) {
    String cli = System.getenv("APPSPARK_CLI");
    if (cli == null || cli.isBlank()) {
      String home = System.getenv("APPSPARK_HOME");
      if (home == null || home.isBlank()) {
        throw new IllegalStateException(
            "set APPSPARK_HOME to your appspark checkout: this test starts a real in-app cluster"
                + " with its CLI (see README.md)");
      }
      cli = Path.of(home, "appspark").toString();
    }
    return new AppsparkCli(cli, stateDir);
  }

  /** Runs a command to its end; fails with its output unless it exits with 0. */
  void run(String... args) {
    Path log = stateDir.resolve("cli-" + args[0] + ".log");
    Process p = start(log, Map.of(), args);
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("appspark " + String.join(" ", args) + ": no end in 5 minutes");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "appspark " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + read(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Starts a command and returns at once; its output goes to {@code log}. */
  Process start(Path log, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(executable));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("APPSPARK_STATE_DIR", stateDir.toString());
    builder.environment().putAll(env);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + executable, e);
    }
  }

  static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
