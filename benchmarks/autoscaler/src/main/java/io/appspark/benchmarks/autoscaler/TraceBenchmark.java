package io.appspark.benchmarks.autoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import io.appspark.autoscaler.it.JobReport;
import io.appspark.autoscaler.it.LocalTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The same bursty trace (rounds of tasks with idle gaps) on three clusters, one after another:
 * sized by the autoscaler, static at the maximum, and by a CPU-utilisation rule like a
 * HorizontalPodAutoscaler's. Measures worker core-seconds and job time.
 */
final class TraceBenchmark {
  static final int MAX_WORKERS = 4;

  enum Sizing {
    AUTOSCALER,
    STATIC_MAX,
    CPU_RULE
  }

  /**
   * @param autoscalerMin the autoscaler's workers.min: 0 lets an in-app cluster shrink to its
   *     master between bursts; the CPU rule keeps 1, as a HorizontalPodAutoscaler's minReplicas
   *     does
   */
  record Trace(int rounds, int tasks, long taskMillis, long gapMillis, int autoscalerMin) {
    List<String> args() {
      return List.of(
          "rounds=" + rounds,
          "tasks=" + tasks,
          "taskMillis=" + taskMillis,
          "gapMillis=" + gapMillis,
          "spark.dynamicAllocation.executorIdleTimeout=3s",
          "spark.dynamicAllocation.schedulerBacklogTimeout=1s");
    }
  }

  private TraceBenchmark() {}

  static Map<String, Object> run(
      Path work, Sizing sizing, Trace trace, Map<String, List<ClusterSampler.Sample>> plot)
      throws Exception {
    int min =
        switch (sizing) {
          case STATIC_MAX -> MAX_WORKERS;
          case AUTOSCALER -> trace.autoscalerMin();
          case CPU_RULE -> 1;
        };
    String name = "bench-" + sizing.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    try (LocalTestCluster c = LocalTestCluster.start(work, name, min, MAX_WORKERS, min)) {
      CpuUtilisationRule rule = null;
      io.appspark.autoscaler.Autoscaler autoscaler = null;
      if (sizing == Sizing.AUTOSCALER) {
        autoscaler = c.startAutoscalerHere(Duration.ofSeconds(5), Duration.ofSeconds(10));
      } else if (sizing == Sizing.CPU_RULE) {
        rule = new CpuUtilisationRule(c, 1, MAX_WORKERS);
      }
      Path report = work.resolve(name + ".json");
      try (ClusterSampler sampler = new ClusterSampler(c, Path.of(report + ".progress"))) {
        Process driver = c.startDriver(report, trace.args().toArray(String[]::new));
        if (!driver.waitFor(30, TimeUnit.MINUTES) || driver.exitValue() != 0) {
          throw new IllegalStateException(
              name
                  + ": the driver failed:\n"
                  + c.logTail("driver-" + report.getFileName() + ".log"));
        }
        JobReport job = JobReport.read(report);
        List<ClusterSampler.Sample> samples =
            sampler.samples().stream()
                .filter(
                    s ->
                        s.atMillis() >= job.json().path("startMillis").asLong()
                            && s.atMillis() <= job.json().path("endMillis").asLong())
                .toList();
        plot.put(sizing.name().toLowerCase(java.util.Locale.ROOT), samples);
        Map<String, Object> summary = summary(sizing, job, samples);
        if (autoscaler != null) {
          summary.put("decisions", decisions(autoscaler, job));
        }
        return summary;
      } finally {
        if (rule != null) {
          rule.close();
        }
      }
    }
  }

  /**
   * The autoscaler's scale actions during the trace, oldest first, each with the seconds since the
   * latest job start before it: how long after a burst began the autoscaler acted.
   */
  private static List<Map<String, Object>> decisions(
      io.appspark.autoscaler.Autoscaler autoscaler, JobReport job) {
    List<Long> starts = new java.util.ArrayList<>();
    for (JsonNode j : job.json().path("jobs")) {
      if ("start".equals(j.path("event").asText())) {
        starts.add(j.path("atMillis").asLong());
      }
    }
    List<io.appspark.autoscaler.loop.DecisionRecord> records =
        new java.util.ArrayList<>(autoscaler.loop().status().decisions());
    java.util.Collections.reverse(records);
    List<Map<String, Object>> out = new java.util.ArrayList<>();
    for (io.appspark.autoscaler.loop.DecisionRecord d : records) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("atMillis", d.atMillis());
      starts.stream()
          .filter(s -> s <= d.atMillis())
          .reduce((a, b) -> b)
          .ifPresent(s -> m.put("secondsAfterJobStart", Stats.round((d.atMillis() - s) / 1000.0)));
      m.put("action", d.action());
      m.put("count", d.count());
      m.put("reason", d.reason());
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> summary(
      Sizing sizing, JobReport job, List<ClusterSampler.Sample> samples) {
    List<long[]> jobs = new java.util.ArrayList<>();
    double jobSeconds = 0;
    Long started = null;
    for (JsonNode j : job.json().path("jobs")) {
      if ("start".equals(j.path("event").asText())) {
        started = j.path("atMillis").asLong();
      } else if (started != null) {
        jobs.add(new long[] {started, j.path("atMillis").asLong()});
        jobSeconds += (j.path("atMillis").asLong() - started) / 1000.0;
        started = null;
      }
    }
    double coreSeconds = 0;
    double duringJobs = 0;
    for (int i = 1; i < samples.size(); i++) {
      long at = samples.get(i - 1).atMillis();
      double slice = samples.get(i - 1).processes() * (samples.get(i).atMillis() - at) / 1000.0;
      coreSeconds += slice;
      if (jobs.stream().anyMatch(j -> at >= j[0] && at < j[1])) {
        duringJobs += slice;
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sizing", sizing.name());
    out.put("resultCorrect", job.result() == job.expected());
    out.put("workerCoreSeconds", Stats.round(coreSeconds));
    out.put("workerCoreSecondsDuringJobs", Stats.round(duringJobs));
    out.put("workerCoreSecondsBetweenJobs", Stats.round(coreSeconds - duringJobs));
    out.put("jobSeconds", Stats.round(jobSeconds));
    out.put(
        "wallSeconds",
        Stats.round(
            (job.json().path("endMillis").asLong() - job.json().path("startMillis").asLong())
                / 1000.0));
    out.put(
        "mostWorkers", samples.stream().mapToInt(ClusterSampler.Sample::processes).max().orElse(0));
    out.put("failedTasks", job.failedTasks());
    return out;
  }
}
