package io.appspark.parentwatch;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Runs a main class, and ends the JVM when the appspark process that started it is gone: {@code
 * java -cp ... io.appspark.parentwatch.WatchParent PID MAIN_CLASS [ARGS...]}.
 *
 * <p>Spark's daemons outlive their parent when it is killed with SIGKILL: nothing tells them. This
 * watches the parent by pid and start time (so a reused pid is not mistaken for it). Exiting
 * through {@link System#exit} runs Spark's shutdown hooks, which is how a worker takes its
 * executors down with it; {@link Runtime#halt} follows if the hooks hang. A main class rather than
 * a Java agent, because an agent would keep the JVM from recording a class-data archive.
 */
public final class WatchParent {
  static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  static final Duration HALT_AFTER = Duration.ofSeconds(10);
  static final int EXIT_CODE = 143;

  private WatchParent() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: WatchParent PARENT_PID MAIN_CLASS [ARGS...]");
    }
    WatchedProcess parent = WatchedProcess.parse(args[0]);
    Thread watcher = new Thread(() -> watch(parent), "appspark-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void watch(WatchedProcess parent) {
    while (parent.isAlive()) {
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    System.err.println(
        "appspark: the process that started this one (pid " + parent.pid() + ") is gone; exiting");
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
  record WatchedProcess(long pid, Optional<Instant> startedAt) {
    static WatchedProcess parse(String pid) {
      if (pid == null || !pid.trim().matches("\\d+")) {
        throw new IllegalArgumentException(
            "WatchParent needs the parent's pid as its first argument, e.g."
                + " WatchParent 1234 org.example.Main; got: "
                + pid);
      }
      long value = Long.parseLong(pid.trim());
      return new WatchedProcess(
          value, ProcessHandle.of(value).flatMap(p -> p.info().startInstant()));
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
