package io.appspark.launcher.local;

import io.appspark.client.SparkAuth;
import io.appspark.launcher.secrets.SecretRedaction;
import io.appspark.launcher.secrets.SecretReference;
import io.appspark.launcher.spec.ClusterSpec;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Spark settings an in-app cluster runs with: those of its daemons (master, workers) and those
 * its drivers must use to fit it. Pure: spec in, settings out. Secret references stay references
 * here (they are resolved in memory by the process that needs the value); Spark's redaction pattern
 * is widened to cover every key that holds one.
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
    // The master's REST submission server takes drivers without any secret; nothing of appspark
    // submits through it.
    conf.put("spark.master.rest.enabled", "false");
    conf.putAll(AUTHENTICATION);
    conf.putAll(spec.sparkConf());
    // Settings holding secret references are for drivers: in the daemons' spark-defaults.conf,
    // which a driver's submit also loads, they would override the resolved values it was given.
    conf.values().removeIf(SecretReference::isReference);
    coverSecretsByRedaction(conf);
    return conf;
  }

  /**
   * Every process of the cluster and every driver authenticates with the cluster's shared secret
   * and encrypts RPC (AES, keys derived per connection). The secret itself is never part of these
   * settings: the launcher hands it over through the environment or a file only its owner reads.
   */
  static final Map<String, String> AUTHENTICATION =
      Map.of(SparkAuth.AUTHENTICATE, "true", SparkAuth.ENCRYPTION, "true");

  /** Spark's own default: it hides {@code spark.authenticate.secret} on the UI and in logs. */
  static final String DEFAULT_REDACTION = "(?i)secret|password|token|access[.]?key";

  static final String REDACTION_KEY = "spark.redaction.regex";

  /**
   * A spec may set its own redaction pattern; if that pattern would show the cluster's secret, the
   * default one is added to it rather than letting the secret reach the UI's environment page.
   */
  static void coverSecretsByRedaction(Map<String, String> conf) {
    String regex = conf.get(REDACTION_KEY);
    if (regex != null && !Pattern.compile(regex).matcher(SparkAuth.SECRET).find()) {
      conf.put(REDACTION_KEY, "(?:" + regex + ")|" + DEFAULT_REDACTION);
    }
  }

  /** The driver plugin (in SPARK_HOME, from the spark-plugin module) that announces drivers. */
  public static final String AUTOSCALER_PLUGIN = "io.appspark.sparkplugin.AutoscalerPlugin";

  /** Where that plugin finds the autoscaler. */
  public static final String AUTOSCALER_URL_KEY = "spark.appspark.autoscaler.url";

  public static Map<String, String> driverConf(ClusterSpec spec) {
    return driverConf(spec, Optional.empty());
  }

  /**
   * Settings for drivers: one executor fills one worker, so a worker is the unit of scaling;
   * executors are decommissioned gracefully (their shuffle and cached blocks migrate) when a worker
   * retires, which is also what lets dynamic allocation release executors without shuffle tracking;
   * dynamic allocation publishes the demand the autoscaler reads, and with an autoscaler the driver
   * plugin announces the driver to it.
   */
  public static Map<String, String> driverConf(ClusterSpec spec, Optional<String> autoscalerUrl) {
    Map<String, String> conf = new TreeMap<>();
    conf.put("spark.executor.cores", Integer.toString(spec.workers().cores()));
    conf.put("spark.executor.memory", spec.workers().sparkMemory());
    conf.put("spark.decommission.enabled", "true");
    conf.put("spark.storage.decommission.enabled", "true");
    conf.put("spark.storage.decommission.shuffleBlocks.enabled", "true");
    conf.put("spark.storage.decommission.rddBlocks.enabled", "true");
    conf.put("spark.dynamicAllocation.enabled", "true");
    // Off (Spark 4 defaults it on): with it, executors holding shuffle data are never released;
    // decommissioning migrates their blocks instead.
    conf.put("spark.dynamicAllocation.shuffleTracking.enabled", "false");
    conf.put("spark.dynamicAllocation.minExecutors", "0");
    conf.put("spark.dynamicAllocation.executorIdleTimeout", "30s");
    conf.put("spark.dynamicAllocation.schedulerBacklogTimeout", "1s");
    conf.put("spark.ui.prometheus.enabled", "true");
    conf.put(
        "spark.sql.shuffle.partitions",
        Integer.toString(Math.max(4, spec.workers().max() * spec.workers().cores() * 2)));
    autoscalerUrl.ifPresent(
        url -> {
          conf.put("spark.plugins", AUTOSCALER_PLUGIN);
          conf.put(AUTOSCALER_URL_KEY, url);
        });
    conf.putAll(AUTHENTICATION);
    conf.putAll(spec.sparkConf());
    coverSecretsByRedaction(conf);
    return SecretRedaction.withRedaction(conf);
  }
}
