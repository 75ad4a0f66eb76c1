package io.appspark.examples.elastic;

import io.appspark.client.AppSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A job whose demand for executors is known in advance, to watch a cluster grow and shrink: rounds
 * of {@code tasks} tasks of {@code taskMillis} each, {@code gapMillis} apart; with {@code
 * shuffle=true} each round shuffles {@code records} records of 1 KB and its reduce tasks are the
 * slow ones ({@code slowSide=map}: its map tasks, which write the shuffle's blocks); {@code
 * cache=true} keeps the records cached (memory, then disk) before the shuffle, and counts them
 * there first. Checks its own result and writes what its driver saw to {@code report}.
 *
 * <pre>
 * appspark submit --class io.appspark.examples.elastic.ElasticJob appspark-examples.jar \
 *   tasks=16 taskMillis=1500 rounds=1 gapMillis=0 shuffle=false records=20000 report=/tmp/r.json
 * </pre>
 */
public final class ElasticJob {
  private ElasticJob() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    int tasks = Integer.parseInt(opts.getOrDefault("tasks", "16"));
    long taskMillis = Long.parseLong(opts.getOrDefault("taskMillis", "1500"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1"));
    long gapMillis = Long.parseLong(opts.getOrDefault("gapMillis", "0"));
    boolean shuffle = Boolean.parseBoolean(opts.getOrDefault("shuffle", "false"));
    boolean cache = Boolean.parseBoolean(opts.getOrDefault("cache", "false"));
    int records = Integer.parseInt(opts.getOrDefault("records", "20000"));
    String slowSide = opts.getOrDefault("slowSide", "reduce");
    if (!slowSide.equals("reduce") && !slowSide.equals("map")) {
      throw new IllegalArgumentException("slowSide must be reduce or map, got '" + slowSide + "'");
    }
    // report=stdout: the report as one line "elastic-job-report {...}", and each progress line as
    // it happens (a driver in a pod).
    String reportTo = opts.getOrDefault("report", "elastic-job.json");
    Path report = Path.of(reportTo.equals("stdout") ? "/tmp/elastic-job.json" : reportTo);
    Path progress = Path.of(report + ".progress");
    Files.deleteIfExists(progress);

    SparkSession.Builder builder = AppSpark.sessionBuilder("elastic-job");
    opts.forEach(
        (k, v) -> {
          if (k.startsWith("spark.")) {
            builder.config(k, v);
          }
        });
    JobTelemetry telemetry = new JobTelemetry(progress, reportTo.equals("stdout"));
    try (SparkSession spark = builder.getOrCreate()) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      sc.sc().addSparkListener(telemetry);
      telemetry.started(sc.sc().uiWebUrl().isDefined() ? sc.sc().uiWebUrl().get() : "");
      long start = System.currentTimeMillis();
      long result = 0;
      long expected = 0;
      for (int round = 0; round < rounds; round++) {
        if (round > 0) {
          Thread.sleep(gapMillis);
        }
        result +=
            shuffle
                ? shuffleRound(sc, tasks, taskMillis, records, cache, slowSide.equals("map"))
                : backlogRound(sc, tasks, taskMillis);
        expected += shuffle ? expectedShuffle(records) : expectedBacklog(tasks);
      }
      long end = System.currentTimeMillis();
      String json = telemetry.toJson(sc.sc().applicationId(), result, expected, start, end);
      Files.writeString(report, json);
      if (reportTo.equals("stdout")) {
        System.out.println("elastic-job-report " + json.replace('\n', ' '));
      }
      System.out.println(
          "elastic-job: result "
              + result
              + ", expected "
              + expected
              + ", "
              + (end - start)
              + " ms");
      if (result != expected) {
        System.exit(3);
      }
    }
  }

  /** {@code tasks} tasks that each take {@code taskMillis}: sum of squares of 0..tasks-1. */
  static long backlogRound(JavaSparkContext sc, int tasks, long taskMillis) {
    return sc.parallelize(LongStream.range(0, tasks).boxed().toList(), tasks)
        .map(
            i -> {
              Thread.sleep(taskMillis);
              return i * i;
            })
        .reduce(Long::sum);
  }

  static long expectedBacklog(int tasks) {
    return LongStream.range(0, tasks).map(i -> i * i).sum();
  }

  /**
   * Shuffles 1 KB records by key; the reduce tasks are slow, or the map tasks with {@code slowMap}:
   * sum over keys of the record count.
   */
  static long shuffleRound(
      JavaSparkContext sc,
      int tasks,
      long taskMillis,
      int records,
      boolean cache,
      boolean slowMap) {
    String payload = "x".repeat(1024);
    long mapMillis = slowMap ? taskMillis : 0;
    long reduceMillis = slowMap ? 0 : taskMillis;
    JavaPairRDD<Long, String> pairs =
        sc.parallelize(LongStream.range(0, records).boxed().toList(), tasks)
            .mapPartitions(
                it -> {
                  Thread.sleep(mapMillis);
                  return it;
                })
            .mapToPair(i -> new Tuple2<>(i % (tasks * 4), payload + i));
    if (cache) {
      pairs = pairs.persist(StorageLevel.MEMORY_AND_DISK());
      if (pairs.count() != records) {
        throw new IllegalStateException("the cached records are not all there");
      }
    }
    return pairs
        .groupByKey(tasks)
        .mapPartitions(
            it -> {
              Thread.sleep(reduceMillis);
              long n = 0;
              while (it.hasNext()) {
                for (String ignored : it.next()._2()) {
                  n++;
                }
              }
              return java.util.List.of(n).iterator();
            })
        .reduce(Long::sum);
  }

  static long expectedShuffle(int records) {
    return records;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("arguments are name=value; got " + arg);
      }
      opts.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return opts;
  }
}
