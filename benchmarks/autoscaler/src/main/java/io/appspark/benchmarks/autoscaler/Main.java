package io.appspark.benchmarks.autoscaler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the autoscaler benchmarks and writes their reports: {@code reaction.json}, {@code
 * trace.json} and SVG plots of demand and workers over time.
 *
 * <p>Arguments: {@code reaction|trace|all}, {@code --out=DIR}, {@code --work=DIR}, {@code
 * --reps=N}, {@code --rounds=N}, {@code --tasks=N}, {@code --task-ms=N}, {@code --gap-ms=N}, {@code
 * --autoscaler-min=N}, {@code --sizings=autoscaler,static_max,cpu_rule} (the trace's clusters, in
 * this order; the comparison needs all three).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    String what = "all";
    for (String a : args) {
      if (a.startsWith("--") && a.contains("=")) {
        opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      } else {
        what = a;
      }
    }
    Path out = Path.of(opts.getOrDefault("out", "benchmarks/autoscaler/results"));
    Path work =
        Files.createDirectories(
            Path.of(
                opts.getOrDefault("work", "/tmp/appspark-bench-" + ProcessHandle.current().pid())));
    Files.createDirectories(out);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Map<String, Object> machine = machine();
    if (what.equals("reaction") || what.equals("all")) {
      Map<String, List<ClusterSampler.Sample>> plot = new LinkedHashMap<>();
      Map<String, Object> report = new LinkedHashMap<>(machine);
      report.putAll(
          ReactionBenchmark.run(
              work,
              Integer.parseInt(opts.getOrDefault("reps", "10")),
              Long.parseLong(
                  opts.getOrDefault("task-ms", Long.toString(ReactionBenchmark.TASK_MILLIS))),
              plot));
      json.writeValue(out.resolve("reaction.json").toFile(), report);
      Files.writeString(
          out.resolve("reaction.svg"),
          SvgPlot.render("reaction rounds: demand and workers over time", thin(plot)));
      System.out.println(json.writeValueAsString(report.get("reactionSeconds")));
    }
    if (what.equals("trace") || what.equals("all")) {
      TraceBenchmark.Trace trace =
          new TraceBenchmark.Trace(
              Integer.parseInt(opts.getOrDefault("rounds", "3")),
              Integer.parseInt(opts.getOrDefault("tasks", "8")),
              Long.parseLong(opts.getOrDefault("task-ms", "20000")),
              Long.parseLong(opts.getOrDefault("gap-ms", "180000")),
              Integer.parseInt(opts.getOrDefault("autoscaler-min", "0")));
      Map<String, List<ClusterSampler.Sample>> plot = new LinkedHashMap<>();
      List<Map<String, Object>> runs = new ArrayList<>();
      List<TraceBenchmark.Sizing> sizings =
          java.util.Arrays.stream(
                  opts.getOrDefault("sizings", "autoscaler,static_max,cpu_rule").split(","))
              .map(n -> TraceBenchmark.Sizing.valueOf(n.trim().toUpperCase(java.util.Locale.ROOT)))
              .toList();
      for (TraceBenchmark.Sizing sizing : sizings) {
        runs.add(TraceBenchmark.run(work, sizing, trace, plot));
        System.out.println(json.writeValueAsString(runs.get(runs.size() - 1)));
      }
      Map<String, Object> report = new LinkedHashMap<>(machine);
      report.put("trace", trace);
      report.put("runs", runs);
      boolean complete = sizings.equals(List.of(TraceBenchmark.Sizing.values()));
      if (complete) {
        report.put("comparison", compare(runs));
      }
      String name = complete ? "trace" : "trace-partial";
      json.writeValue(out.resolve(name + ".json").toFile(), report);
      Files.writeString(
          out.resolve(name + ".svg"),
          SvgPlot.render("bursty trace: demand and workers over time", thin(plot)));
    }
  }

  private static Map<String, Object> compare(List<Map<String, Object>> runs) {
    Map<String, Object> autoscaled = runs.get(0);
    Map<String, Object> stat = runs.get(1);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(
        "autoscalerCoreSecondsVsStatic",
        Stats.round(
            (double) autoscaled.get("workerCoreSeconds") / (double) stat.get("workerCoreSeconds")));
    out.put(
        "autoscalerJobTimeVsStatic",
        Stats.round((double) autoscaled.get("jobSeconds") / (double) stat.get("jobSeconds")));
    out.put(
        "cpuRuleCoreSecondsVsStatic",
        Stats.round(
            (double) runs.get(2).get("workerCoreSeconds")
                / (double) stat.get("workerCoreSeconds")));
    out.put(
        "cpuRuleJobTimeVsStatic",
        Stats.round((double) runs.get(2).get("jobSeconds") / (double) stat.get("jobSeconds")));
    out.put("goal", "autoscaler <= 0.5 of static core-seconds at <= 1.15 x its job time");
    out.put(
        "goalMet",
        (double) out.get("autoscalerCoreSecondsVsStatic") <= 0.5
            && (double) out.get("autoscalerJobTimeVsStatic") <= 1.15);
    return out;
  }

  /** One sample in two (one a second): plots stay small. */
  private static Map<String, List<ClusterSampler.Sample>> thin(
      Map<String, List<ClusterSampler.Sample>> plot) {
    Map<String, List<ClusterSampler.Sample>> out = new LinkedHashMap<>();
    plot.forEach(
        (k, v) -> {
          List<ClusterSampler.Sample> kept = new ArrayList<>();
          for (int i = 0; i < v.size(); i += 2) {
            kept.add(v.get(i));
          }
          out.put(k, kept);
        });
    return out;
  }

  private static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ranAt", Instant.now().toString());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put(
        "loadAverageAtStart",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    return m;
  }
}
