package io.appspark.sparkplugin;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts the driver's unfinished tasks and turns them into the executors they need, the moment a
 * stage is submitted. Spark's allocation manager raises its own target only after its backlog
 * timeout (one second at least) and then step by step; this figure is the one it converges to (its
 * {@code numberMaxNeededExecutors}), known at once, so the autoscaler can start workers while Spark
 * still waits.
 */
final class BacklogListener extends SparkListener {
  private final int tasksPerExecutor;
  private final double allocationRatio;
  private final int maxExecutors;
  private final IntConsumer onRise;
  private final Map<String, Integer> unfinished = new HashMap<>();
  private int needed;

  /**
   * @param onRise called with the new figure whenever it rises (falls are picked up by the regular
   *     renewal: scaling down waits for idle workers anyway)
   */
  BacklogListener(
      int tasksPerExecutor, double allocationRatio, int maxExecutors, IntConsumer onRise) {
    this.tasksPerExecutor = Math.max(1, tasksPerExecutor);
    this.allocationRatio = allocationRatio;
    this.maxExecutors = maxExecutors;
    this.onRise = onRise;
  }

  synchronized int neededExecutors() {
    return needed;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    changed(
        key(event.stageInfo().stageId(), event.stageInfo().attemptNumber()),
        event.stageInfo().numTasks());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    if (event.taskInfo() != null && event.taskInfo().successful()) {
      String key = key(event.stageId(), event.stageAttemptId());
      synchronized (this) {
        Integer left = unfinished.get(key);
        if (left != null) {
          unfinished.put(key, Math.max(0, left - 1));
          needed = compute();
        }
      }
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted event) {
    synchronized (this) {
      unfinished.remove(key(event.stageInfo().stageId(), event.stageInfo().attemptNumber()));
      needed = compute();
    }
  }

  private void changed(String key, int tasks) {
    int rose;
    synchronized (this) {
      int before = needed;
      unfinished.put(key, tasks);
      needed = compute();
      rose = needed > before ? needed : -1;
    }
    if (rose >= 0) {
      onRise.accept(rose);
    }
  }

  /** What Spark's allocation manager computes as its maximum needed executors. */
  private int compute() {
    long tasks = unfinished.values().stream().mapToLong(Integer::longValue).sum();
    long executors = (long) Math.ceil(tasks * allocationRatio / tasksPerExecutor);
    return (int) Math.min(maxExecutors, executors);
  }

  private static String key(int stageId, int attempt) {
    return stageId + "." + attempt;
  }
}
