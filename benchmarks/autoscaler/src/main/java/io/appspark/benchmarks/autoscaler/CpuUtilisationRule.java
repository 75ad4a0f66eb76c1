package io.appspark.benchmarks.autoscaler;

import io.appspark.autoscaler.it.LocalTestCluster;
import io.appspark.launcher.spark.MasterState;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A HorizontalPodAutoscaler's rule, for comparison: every 15 s, desired = ceil(current *
 * utilisation / 60%), ignored within a 10% tolerance, scaled down only to the highest
 * recommendation of the last 60 s (the HPA default stabilisation is 300 s; shortened so that the
 * rule can shrink at all within the trace). Utilisation is the share of registered cores held by
 * executors: what CPU use would be if every held core were busy (the trace's tasks sleep, so
 * measured CPU would read near zero and the rule would never grow).
 */
final class CpuUtilisationRule implements AutoCloseable {
  static final long SYNC_SECONDS = 15;
  static final long STABILISATION_SECONDS = 60;
  static final double TARGET = 0.6;

  private final LocalTestCluster cluster;
  private final int min;
  private final int max;
  private final Deque<long[]> recommendations = new ArrayDeque<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  CpuUtilisationRule(LocalTestCluster cluster, int min, int max) {
    this.cluster = cluster;
    this.min = min;
    this.max = max;
    timer.scheduleAtFixedRate(this::sync, SYNC_SECONDS, SYNC_SECONDS, TimeUnit.SECONDS);
  }

  private void sync() {
    try {
      MasterState master = cluster.master().orElseThrow();
      int current = cluster.countedWorkers();
      int cores = master.aliveWorkers().stream().mapToInt(MasterState.Worker::cores).sum();
      double utilisation =
          cores == 0
              ? 0
              : master.aliveWorkers().stream().mapToInt(MasterState.Worker::coresUsed).sum()
                  / (double) cores;
      double ratio = utilisation / TARGET;
      int desired = Math.abs(ratio - 1) <= 0.1 ? current : (int) Math.ceil(current * ratio);
      long now = System.currentTimeMillis();
      recommendations.addLast(new long[] {now, desired});
      while (recommendations.peekFirst()[0] < now - STABILISATION_SECONDS * 1000) {
        recommendations.pollFirst();
      }
      int stabilised = (int) recommendations.stream().mapToLong(r -> r[1]).max().orElse(desired);
      int target = Math.max(min, Math.min(max, Math.max(desired, Math.min(current, stabilised))));
      if (target != current) {
        cluster.cluster.scaleTo(target);
      }
    } catch (RuntimeException e) {
      // the cluster is stopping or the master is busy: try at the next sync
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
