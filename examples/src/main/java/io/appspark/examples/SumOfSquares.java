package io.appspark.examples;

import io.appspark.client.AppSpark;
import java.util.Locale;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A job whose answer is known: the sum of i² for i in 1..n, computed over many partitions. It also
 * reports how many executors did the work. Prints {@code RESULT sum=S executors=E}.
 *
 * <p>Arguments: {@code n [partitions]}.
 */
public final class SumOfSquares {
  private SumOfSquares() {}

  public static void main(String[] args) {
    long n = Long.parseLong(args[0]);
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    SparkSession spark = AppSpark.sessionBuilder("appspark-sum-of-squares").getOrCreate();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      var numbers = spark.range(1, n + 1, 1, partitions).javaRDD();
      long sum = numbers.map(i -> i * i).reduce(Long::sum);
      long executors =
          numbers
              .mapPartitions(it -> java.util.List.of(SparkEnv.get().executorId()).iterator())
              .distinct()
              .count();
      System.out.printf(Locale.ROOT, "RESULT sum=%d executors=%d%n", sum, executors);
      jsc.close();
    } finally {
      spark.stop();
    }
  }
}
