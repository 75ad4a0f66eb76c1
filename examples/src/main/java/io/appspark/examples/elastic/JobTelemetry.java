package io.appspark.examples.elastic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * What the driver itself saw, for tests and benchmarks: stages and their attempts, failed tasks,
 * executors coming and going, jobs. Each event is also appended as one line to a progress file at
 * once, so a test can act at a given moment of the job (e.g. once a shuffle is being read); a
 * driver in a pod echoes the lines to standard output as well, prefixed {@code elastic-job: }.
 */
final class JobTelemetry extends SparkListener {
  private final Path progress;
  private final boolean echo;
  private final List<String> stages = new ArrayList<>();
  private final List<String> executors = new ArrayList<>();
  private final List<String> jobs = new ArrayList<>();
  private int failedTasks;
  private int retriedStages;

  JobTelemetry(Path progress, boolean echo) {
    this.progress = progress;
    this.echo = echo;
  }

  /** Tells the progress file where the driver's UI (and its metrics) is. */
  synchronized void started(String uiUrl) {
    line("ui " + uiUrl);
  }

  @Override
  public synchronized void onStageSubmitted(SparkListenerStageSubmitted e) {
    int attempt = e.stageInfo().attemptNumber();
    retriedStages += attempt > 0 ? 1 : 0;
    long at = System.currentTimeMillis();
    stages.add(
        json(
            "stage",
            e.stageInfo().stageId(),
            "attempt",
            attempt,
            "event",
            "\"submitted\"",
            "atMillis",
            at,
            "tasks",
            e.stageInfo().numTasks()));
    line(
        "stage-submitted "
            + e.stageInfo().stageId()
            + " "
            + attempt
            + " "
            + at
            + " parents="
            + e.stageInfo().parentIds().size());
  }

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted e) {
    long at = System.currentTimeMillis();
    stages.add(
        json(
            "stage",
            e.stageInfo().stageId(),
            "attempt",
            e.stageInfo().attemptNumber(),
            "event",
            "\"completed\"",
            "atMillis",
            at,
            "tasks",
            e.stageInfo().numTasks()));
    line(
        "stage-completed "
            + e.stageInfo().stageId()
            + " "
            + e.stageInfo().attemptNumber()
            + " "
            + at);
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
    if (!e.taskInfo().successful()) {
      failedTasks++;
      line("task-failed " + e.stageId() + " " + e.reason());
    }
  }

  @Override
  public synchronized void onExecutorAdded(SparkListenerExecutorAdded e) {
    executors.add(
        json(
            "executor",
            "\"" + e.executorId() + "\"",
            "event",
            "\"added\"",
            "atMillis",
            e.time(),
            "cores",
            e.executorInfo().totalCores()));
    line("executor-added " + e.executorId() + " " + e.time());
  }

  @Override
  public synchronized void onExecutorRemoved(SparkListenerExecutorRemoved e) {
    executors.add(
        json(
            "executor",
            "\"" + e.executorId() + "\"",
            "event",
            "\"removed\"",
            "atMillis",
            e.time(),
            "cores",
            0));
    line("executor-removed " + e.executorId() + " " + e.time());
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart e) {
    jobs.add(
        json(
            "job",
            e.jobId(),
            "event",
            "\"start\"",
            "atMillis",
            e.time(),
            "stages",
            e.stageIds().size()));
    line("job-start " + e.jobId() + " " + e.time());
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd e) {
    jobs.add(json("job", e.jobId(), "event", "\"end\"", "atMillis", e.time(), "stages", 0));
    line("job-end " + e.jobId() + " " + e.time());
  }

  synchronized String toJson(
      String appId, long result, long expected, long startMillis, long endMillis) {
    return "{\"appId\":\""
        + appId
        + "\",\"result\":"
        + result
        + ",\"expected\":"
        + expected
        + ",\"startMillis\":"
        + startMillis
        + ",\"endMillis\":"
        + endMillis
        + ",\"failedTasks\":"
        + failedTasks
        + ",\"retriedStages\":"
        + retriedStages
        + ",\"stages\":["
        + String.join(",", stages)
        + "],\"executors\":["
        + String.join(",", executors)
        + "],\"jobs\":["
        + String.join(",", jobs)
        + "]}";
  }

  private void line(String text) {
    if (echo) {
      System.out.println("elastic-job: " + text);
    }
    try {
      Files.writeString(
          progress, text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String json(Object... keyValues) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < keyValues.length; i += 2) {
      out.append(i == 0 ? "" : ",")
          .append('"')
          .append(keyValues[i])
          .append("\":")
          .append(keyValues[i + 1]);
    }
    return out.append('}').toString();
  }
}
