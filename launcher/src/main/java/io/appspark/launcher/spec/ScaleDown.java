package io.appspark.launcher.spec;

import java.time.Duration;

/**
 * How the autoscaler shrinks the cluster: a worker idle for {@code idleTimeout} is retired, at most
 * one every {@code cooldown}. The spec's {@code autoscaler:} section; the same on every backend.
 */
public record ScaleDown(Duration idleTimeout, Duration cooldown) {
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(120);

  public static ScaleDown defaults() {
    return new ScaleDown(DEFAULT_IDLE_TIMEOUT, DEFAULT_COOLDOWN);
  }

  /** As the autoscaler's settings take durations: whole milliseconds, e.g. {@code 1500ms}. */
  public static String setting(Duration duration) {
    return duration.toMillis() + "ms";
  }
}
