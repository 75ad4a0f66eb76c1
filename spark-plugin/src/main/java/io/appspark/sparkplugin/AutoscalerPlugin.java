package io.appspark.sparkplugin;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Enabled by the in-app cluster's driver settings ({@code spark.plugins}): makes every driver known
 * to the cluster's autoscaler. Executors need nothing from it.
 */
public final class AutoscalerPlugin implements SparkPlugin {
  /** The autoscaler's base URL, set by the launcher in the driver settings. */
  public static final String URL_KEY = "spark.appspark.autoscaler.url";

  @Override
  public DriverPlugin driverPlugin() {
    return new DriverAnnouncer();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return null;
  }
}
