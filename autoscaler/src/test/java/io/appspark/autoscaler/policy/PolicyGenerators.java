package io.appspark.autoscaler.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random but reproducible inputs for the policy's property tests: every case comes from a seed, and
 * a failing case names its seed.
 */
final class PolicyGenerators {
  private final Random random;

  PolicyGenerators(long seed) {
    this.random = new Random(seed);
  }

  int between(int from, int to) {
    return from + random.nextInt(to - from + 1);
  }

  PolicyConfig config() {
    int min = between(0, 4);
    return new PolicyConfig(
        min,
        Math.max(1, min + between(0, 8)),
        between(1, 4),
        between(1, 5),
        Duration.ofSeconds(between(0, 60)),
        Duration.ofSeconds(between(0, 120)));
  }

  /** Up to 12 workers with distinct ids, in every phase, some busy, idle for various times. */
  List<WorkerView> workers() {
    List<WorkerView> workers = new ArrayList<>();
    int count = between(0, 12);
    for (int i = 1; i <= count; i++) {
      WorkerView.Phase phase = WorkerView.Phase.values()[random.nextInt(3)];
      int used = phase == WorkerView.Phase.PENDING ? 0 : between(0, 2);
      workers.add(
          new WorkerView(
              "worker-" + i,
              phase,
              2,
              used,
              used > 0 ? Duration.ZERO : Duration.ofSeconds(between(0, 300))));
    }
    java.util.Collections.shuffle(workers, random);
    return workers;
  }

  List<Integer> demandSeries(int length, int max) {
    List<Integer> series = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      series.add(between(0, max));
    }
    return series;
  }
}
