package io.appspark.benchmarks.autoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import io.appspark.autoscaler.Autoscaler;
import io.appspark.autoscaler.it.JobReport;
import io.appspark.autoscaler.it.LocalTestCluster;
import io.appspark.autoscaler.loop.DecisionRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reaction: one driver, one executor held at all times (minExecutors=1), rounds of two long tasks,
 * so each round's backlog needs one more worker; between rounds the extra worker goes idle and is
 * retired.
 *
 * <p>Per round, the goal's figure ({@code reactionSeconds}): from the backlog (stage submitted, as
 * the driver's listener saw it) to the new executor RUNNING, minus the worker process's own start
 * (process start to "registered with master" in its log). RUNNING is Spark standalone's executor
 * state that the worker reports once it has launched the executor's process; the executor JVM's own
 * boot and its registration with the driver come after, like the worker's own start, and are
 * reported beside it ({@code executorProcessToAddedSeconds}, and {@code
 * reactionToExecutorAddedSeconds}: the same span up to the executor added at the driver).
 *
 * <p>Each round is taken apart into its phases: backlog to the autoscaler's add decision, decision
 * to the worker process started, (the worker's own start, not counted), registered to the executor
 * process started by the worker (the master's scheduling and the worker's launch), and executor
 * process started to the executor added at the driver (the executor JVM's boot and its registration
 * with the driver).
 */
final class ReactionBenchmark {
  record Round(
      int round,
      double reactionSeconds,
      double reactionToExecutorAdded,
      double backlogToDecision,
      double decisionToProcess,
      double workerStart,
      double registeredToExecutor,
      double registeredToExecutorProcess,
      double executorProcessToAdded,
      double backlogToExecutor) {}

  /** A round that could not be measured, and what was not seen in it. */
  record Incomplete(int round, long backlogAtMillis, String missing) {}

  private ReactionBenchmark() {}

  /**
   * Each round's tasks must outlast the new worker's start: once the first task ends the driver no
   * longer wants a second executor, and the round measures nothing. 20 s was too short on this
   * machine under load (a worker took 31 s to register), so rounds are 45 s long by default.
   */
  static final long TASK_MILLIS = 45_000;

  static Map<String, Object> run(
      Path work, int repetitions, long taskMillis, Map<String, List<ClusterSampler.Sample>> plot)
      throws Exception {
    try (LocalTestCluster c = LocalTestCluster.start(work, "bench-reaction", 1, 2, 1)) {
      Autoscaler autoscaler = c.startAutoscalerHere(Duration.ofSeconds(1), Duration.ofSeconds(1));
      Path report = work.resolve("reaction.json");
      List<DecisionRecord> decisions = new ArrayList<>();
      JobReport job;
      try (ClusterSampler sampler = new ClusterSampler(c, Path.of(report + ".progress"))) {
        Process driver =
            c.startDriver(
                report,
                "rounds=" + (repetitions + 1),
                "tasks=2",
                "taskMillis=" + taskMillis,
                "gapMillis=15000",
                "spark.dynamicAllocation.minExecutors=1",
                "spark.dynamicAllocation.initialExecutors=1",
                "spark.dynamicAllocation.executorIdleTimeout=1s",
                "spark.dynamicAllocation.schedulerBacklogTimeout=1s");
        while (!driver.waitFor(1, TimeUnit.SECONDS)) {
          autoscaler.loop().status().decisions().stream()
              .filter(d -> decisions.stream().noneMatch(k -> k.atMillis() == d.atMillis()))
              .forEach(decisions::add);
        }
        if (driver.exitValue() != 0) {
          throw new IllegalStateException(
              "the driver failed:\n" + c.logTail("driver-reaction.json.log"));
        }
        job = JobReport.read(report);
        plot.put("reaction: " + repetitions + " rounds", sampler.samples());
        List<Incomplete> incomplete = new ArrayList<>();
        Map<String, Object> out =
            summary(rounds(job, sampler.workers(), decisions, incomplete), incomplete, repetitions);
        out.put("workers", sampler.workers());
        out.put("decisions", decisions);
        return out;
      }
    }
  }

  private static List<Round> rounds(
      JobReport job,
      List<ClusterSampler.WorkerLife> workers,
      List<DecisionRecord> decisions,
      List<Incomplete> incomplete) {
    List<Long> backlogs = new ArrayList<>();
    for (JsonNode s : job.json().path("stages")) {
      if ("submitted".equals(s.path("event").asText())) {
        backlogs.add(s.path("atMillis").asLong());
      }
    }
    List<Long> executorsAdded = new ArrayList<>();
    for (JsonNode e : job.json().path("executors")) {
      if ("added".equals(e.path("event").asText())) {
        executorsAdded.add(e.path("atMillis").asLong());
      }
    }
    List<Round> rounds = new ArrayList<>();
    for (int i = 1; i < backlogs.size(); i++) {
      long backlog = backlogs.get(i);
      long next = i + 1 < backlogs.size() ? backlogs.get(i + 1) : Long.MAX_VALUE;
      Optional<ClusterSampler.WorkerLife> worker =
          workers.stream()
              .filter(
                  w ->
                      w.processStartMillis() >= backlog - 300
                          && w.processStartMillis() < next - 300
                          && w.registeredMillis() > 0)
              .findFirst();
      Optional<Long> executor =
          executorsAdded.stream().filter(t -> t >= backlog && t < next).findFirst();
      Optional<Long> decision =
          decisions.stream()
              .filter(
                  d ->
                      d.action().equals("add")
                          && d.atMillis() >= backlog - 300
                          && d.atMillis() < next)
              .map(DecisionRecord::atMillis)
              .min(Comparator.naturalOrder());
      if (worker.isEmpty() || executor.isEmpty() || decision.isEmpty()) {
        List<String> missing = new ArrayList<>();
        decision.ifPresentOrElse(d -> {}, () -> missing.add("add decision"));
        worker.ifPresentOrElse(w -> {}, () -> missing.add("new worker registered"));
        executor.ifPresentOrElse(e -> {}, () -> missing.add("new executor added"));
        incomplete.add(new Incomplete(i, backlog, String.join(", ", missing)));
        continue;
      }
      ClusterSampler.WorkerLife w = worker.get();
      double workerStart = (w.registeredMillis() - w.processStartMillis()) / 1000.0;
      double executorProcess =
          w.executorStartMillis() < 0 ? Double.NaN : w.executorStartMillis() / 1000.0;
      double total = (executor.get() - backlog) / 1000.0;
      double toRunning = executorProcess - backlog / 1000.0;
      rounds.add(
          new Round(
              i,
              toRunning - workerStart,
              total - workerStart,
              (decision.get() - backlog) / 1000.0,
              (w.processStartMillis() - decision.get()) / 1000.0,
              workerStart,
              (executor.get() - w.registeredMillis()) / 1000.0,
              executorProcess - w.registeredMillis() / 1000.0,
              executor.get() / 1000.0 - executorProcess,
              total));
    }
    return rounds;
  }

  private static Map<String, Object> summary(
      List<Round> rounds, List<Incomplete> incomplete, int repetitions) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("repetitions", repetitions);
    out.put("measuredRounds", rounds.size());
    out.put("incompleteRounds", incomplete);
    out.put(
        "reactionDefinition",
        "backlog (stage submitted) to the new executor RUNNING (its process launched by the new"
            + " worker), minus the worker process's own start (process start to registered)");
    out.put("reactionSeconds", percentiles(rounds.stream().map(Round::reactionSeconds).toList()));
    out.put(
        "reactionToExecutorAddedSeconds",
        percentiles(rounds.stream().map(Round::reactionToExecutorAdded).toList()));
    out.put(
        "backlogToScaleDecisionSeconds",
        percentiles(rounds.stream().map(Round::backlogToDecision).toList()));
    out.put(
        "decisionToWorkerProcessSeconds",
        percentiles(rounds.stream().map(Round::decisionToProcess).toList()));
    out.put("workerStartSeconds", percentiles(rounds.stream().map(Round::workerStart).toList()));
    out.put(
        "registeredToExecutorSeconds",
        percentiles(rounds.stream().map(Round::registeredToExecutor).toList()));
    out.put(
        "registeredToExecutorProcessSeconds",
        percentiles(rounds.stream().map(Round::registeredToExecutorProcess).toList()));
    out.put(
        "executorProcessToAddedSeconds",
        percentiles(rounds.stream().map(Round::executorProcessToAdded).toList()));
    out.put(
        "backlogToExecutorSeconds",
        percentiles(rounds.stream().map(Round::backlogToExecutor).toList()));
    out.put("rounds", rounds);
    return out;
  }

  static Map<String, Double> percentiles(List<Double> values) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("p50", Stats.round(Stats.percentile(values, 50)));
    out.put("p95", Stats.round(Stats.percentile(values, 95)));
    out.put(
        "max",
        Stats.round(values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
    return out;
  }
}
