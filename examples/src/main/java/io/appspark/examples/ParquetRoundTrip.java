package io.appspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.appspark.client.AppSpark;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a table whose content is known as Parquet to any Hadoop file system URI the cluster can
 * reach ({@code s3a://bucket/dir}, {@code hdfs://host:port/dir}, ...), reads it back in a new
 * query, and checks it: {@code n} rows with ids 1..n, each named {@code row-<id>}. The executors do
 * the writing and reading, so they need the file system's client and credentials too. Prints {@code
 * PARQUET rows=R sumOfIds=S badNames=B files=F} and exits 1 when the table read back differs from
 * the one written.
 *
 * <p>Arguments: {@code uri n [partitions]}.
 */
public final class ParquetRoundTrip {
  private ParquetRoundTrip() {}

  public static void main(String[] args) {
    String uri = args[0];
    long n = Long.parseLong(args[1]);
    int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    SparkSession spark = AppSpark.sessionBuilder("appspark-parquet-round-trip").getOrCreate();
    boolean same;
    try {
      spark
          .range(1, n + 1, 1, partitions)
          .withColumn("name", concat(lit("row-"), col("id")))
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(uri);

      Dataset<Row> back = spark.read().parquet(uri);
      long rows = back.count();
      Object sumOfIds = back.agg(sum("id")).first().get(0);
      long badNames = back.filter(col("name").notEqual(concat(lit("row-"), col("id")))).count();
      int files = back.inputFiles().length;
      System.out.printf(
          Locale.ROOT,
          "PARQUET rows=%d sumOfIds=%s badNames=%d files=%d%n",
          rows,
          sumOfIds,
          badNames,
          files);
      same = rows == n && Long.valueOf(n * (n + 1) / 2).equals(sumOfIds) && badNames == 0;
    } finally {
      spark.stop();
    }
    if (!same) {
      System.exit(1);
    }
  }
}
