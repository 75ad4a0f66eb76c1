package ${package}.spark;

import ${package}.AppConfig;
import io.appspark.client.AppSpark;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The app's SparkSession on its in-app cluster, found and configured by appspark's client. */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(AppConfig config) {
    SparkConf given = new SparkConf();
    SparkSession.Builder builder = AppSpark.sessionBuilder(config.appName());
    config
        .driverConf()
        .forEach(
            (key, value) -> {
              if (!given.contains(key)) {
                builder.config(key, value);
              }
            });
    return builder.getOrCreate();
  }
}
