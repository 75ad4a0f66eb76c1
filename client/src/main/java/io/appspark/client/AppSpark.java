package io.appspark.client;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one call an app makes to use its in-app cluster:
 *
 * <pre>{@code
 * SparkSession spark = AppSpark.sessionBuilder("sales-report").getOrCreate();
 * }</pre>
 *
 * <p>The builder points at the app's cluster and carries the configuration the cluster expects of
 * its drivers. Settings the driver already has (from {@code spark-submit --conf} or {@code spark.*}
 * system properties) win over the cluster's; the app may add its own before {@code getOrCreate()}.
 * An authenticated cluster's secret comes from {@code APPSPARK_AUTH_SECRET} (Kubernetes) or from
 * the cluster's state directory (local), never from the connection file.
 */
public final class AppSpark {
  private AppSpark() {}

  public static SparkSession.Builder sessionBuilder(String appName) {
    return sessionBuilder(ClusterLocator.fromSystem().locate(), appName);
  }

  public static SparkSession.Builder sessionBuilder(ClusterConnection cluster, String appName) {
    SparkConf given = new SparkConf();
    SparkSession.Builder builder =
        SparkSession.builder().master(cluster.masterUrl()).appName(appName);
    Map<String, String> conf = new TreeMap<>(cluster.sparkConf());
    if (!given.contains(SparkAuth.SECRET)) {
      SparkAuth.secretFor(cluster, System.getenv())
          .ifPresent(secret -> conf.putAll(SparkAuth.driverSettings(secret)));
    }
    conf.forEach(
        (key, value) -> {
          if (!given.contains(key)) {
            builder.config(key, value);
          }
        });
    return builder;
  }
}
