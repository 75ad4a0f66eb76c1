package io.appspark.parentwatch;

import java.time.Duration;
import java.util.Optional;

/**
 * Java agent loaded into every process appspark starts ({@code -javaagent:parent-watch.jar=PID}).
 *
 * <p>Spark's daemons outlive their parent when it is killed with SIGKILL: nothing tells them. This
 * agent watches the appspark process by pid and start time (so a reused pid is not mistaken for it)
 * and exits the JVM when it is gone. Exiting through {@link System#exit} runs Spark's shutdown
 * hooks, which is how a worker takes its executors down with it; {@link Runtime#halt} follows if
 * the hooks hang.
 */
public final class ParentWatchAgent {
  static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  static final Duration HALT_AFTER = Duration.ofSeconds(10);
  static final int EXIT_CODE = 143;

  private ParentWatchAgent() {}

  public static void premain(String args) {
    WatchedProcess watched = WatchedProcess.parse(args);
    Thread watcher = new Thread(() -> watch(watched), "appspark-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void watch(WatchedProcess watched) {
    while (watched.isAlive()) {
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    System.err.println(
        "appspark: the process that started this one (pid " + watched.pid() + ") is gone; exiting");
    startHaltTimer();
    System.exit(EXIT_CODE);
  }

  private static void startHaltTimer() {
    Thread halter =
        new Thread(
            () -> {
              try {
                Thread.sleep(HALT_AFTER.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              Runtime.getRuntime().halt(EXIT_CODE);
            },
            "appspark-parent-watch-halt");
    halter.setDaemon(true);
    halter.start();
  }

  /** The process to watch: a pid, and its start instant once seen, to detect pid reuse. */
  record WatchedProcess(long pid, Optional<java.time.Instant> startedAt) {
    static WatchedProcess parse(String args) {
      if (args == null || !args.trim().matches("\\d+")) {
        throw new IllegalArgumentException(
            "parent-watch agent needs the parent's pid as its argument, e.g."
                + " -javaagent:parent-watch.jar=1234; got: "
                + args);
      }
      long pid = Long.parseLong(args.trim());
      Optional<java.time.Instant> started =
          ProcessHandle.of(pid).flatMap(p -> p.info().startInstant());
      return new WatchedProcess(pid, started);
    }

    boolean isAlive() {
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      if (handle.isEmpty() || !handle.get().isAlive()) {
        return false;
      }
      return startedAt.isEmpty() || startedAt.equals(handle.get().info().startInstant());
    }
  }
}
