package io.appspark.launcher.local;

import io.appspark.launcher.spec.ClusterSpec;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Spark settings an in-app cluster runs with: those of its daemons (master, workers) and those
 * its drivers must use to fit it. Pure: spec in, settings out.
 */
public final class SparkConfModel {
  private SparkConfModel() {}

  /** Settings for the master and the workers. */
  public static Map<String, String> daemonConf(ClusterSpec spec) {
    Map<String, String> conf = new TreeMap<>();
    conf.put("spark.decommission.enabled", "true");
    conf.put("spark.worker.cleanup.enabled", "true");
    conf.put("spark.master.ui.decommission.allow.mode", "LOCAL");
    conf.put("spark.ui.prometheus.enabled", "true");
    conf.putAll(spec.sparkConf());
    return conf;
  }

  /**
   * Settings for drivers: one executor fills one worker, so a worker is the unit of scaling;
   * executors are decommissioned gracefully (their shuffle and cached blocks migrate) when a worker
   * retires; dynamic allocation publishes the demand the autoscaler reads.
   */
  public static Map<String, String> driverConf(ClusterSpec spec) {
    Map<String, String> conf = new TreeMap<>();
    conf.put("spark.executor.cores", Integer.toString(spec.workers().cores()));
    conf.put("spark.executor.memory", spec.workers().sparkMemory());
    conf.put("spark.decommission.enabled", "true");
    conf.put("spark.storage.decommission.enabled", "true");
    conf.put("spark.storage.decommission.shuffleBlocks.enabled", "true");
    conf.put("spark.storage.decommission.rddBlocks.enabled", "true");
    conf.put("spark.dynamicAllocation.enabled", "true");
    conf.put("spark.dynamicAllocation.shuffleTracking.enabled", "true");
    conf.put("spark.dynamicAllocation.minExecutors", "0");
    conf.put("spark.dynamicAllocation.executorIdleTimeout", "30s");
    conf.put("spark.dynamicAllocation.schedulerBacklogTimeout", "1s");
    conf.put("spark.ui.prometheus.enabled", "true");
    conf.put(
        "spark.sql.shuffle.partitions",
        Integer.toString(Math.max(4, spec.workers().max() * spec.workers().cores() * 2)));
    conf.putAll(spec.sparkConf());
    return conf;
  }
}
