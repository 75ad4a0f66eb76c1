package io.appspark.launcher;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Polls a condition until it yields a value or a deadline passes; never a blind sleep. */
public final class Await {
  private static final Duration POLL = Duration.ofMillis(100);

  private Await() {}

  public static <T> T until(
      String what, Duration timeout, Progress progress, Supplier<Optional<T>> condition) {
    progress.waiting(what);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> value = condition.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() > deadline) {
        throw new LauncherException(
            ExitCode.TIMED_OUT, "timed out after " + timeout.toSeconds() + "s waiting for " + what);
      }
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException(ExitCode.FAILED, "interrupted");
    }
  }
}
