package io.appspark.autoscaler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The workers wanted over the recent past, so that shrinking follows the recent peak rather than
 * the latest dip. Immutable: {@link #record} returns a new window.
 */
public final class DemandWindow {
  private final Duration length;
  private final List<Sample> samples;

  private record Sample(Instant at, int workers) {}

  private DemandWindow(Duration length, List<Sample> samples) {
    this.length = length;
    this.samples = List.copyOf(samples);
  }

  public static DemandWindow of(Duration length) {
    return new DemandWindow(length, List.of());
  }

  public DemandWindow record(Instant now, int wantedWorkers) {
    Deque<Sample> kept = new ArrayDeque<>();
    Instant oldest = now.minus(length);
    for (Sample s : samples) {
      if (!s.at().isBefore(oldest)) {
        kept.add(s);
      }
    }
    while (!kept.isEmpty() && kept.peekLast().workers() <= wantedWorkers) {
      kept.pollLast();
    }
    kept.add(new Sample(now, wantedWorkers));
    return new DemandWindow(length, List.copyOf(kept));
  }

  /** The most workers wanted within the window before {@code now}, or 0 if nothing was recorded. */
  public int peak(Instant now) {
    Instant oldest = now.minus(length);
    return samples.stream()
        .filter(s -> !s.at().isBefore(oldest))
        .mapToInt(Sample::workers)
        .max()
        .orElse(0);
  }
}
