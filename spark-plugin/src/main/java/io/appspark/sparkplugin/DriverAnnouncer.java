package io.appspark.sparkplugin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces the driver to the autoscaler and renews the announcement, so an autoscaler that
 * restarts finds the driver again within one period and a driver that dies unannounced expires.
 * With dynamic allocation, the announcement carries the executors the driver's unfinished tasks
 * need, and it is sent again the moment that figure rises (a stage submitted), not at the next
 * renewal: the autoscaler decides on it at once. Withdraws it at shutdown. Never fails the driver:
 * a problem is logged once and the driver goes on.
 */
final class DriverAnnouncer implements DriverPlugin {
  static final Duration PERIOD = Duration.ofSeconds(1);
  static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(DriverAnnouncer.class);

  private final AtomicBoolean warned = new AtomicBoolean();
  private ScheduledExecutorService timer;
  private HttpClient http;
  private SparkContext context;
  private URI drivers;
  private volatile String announcedAppId;
  private BacklogListener backlog;

  @Override
  public Map<String, String> init(SparkContext sc, PluginContext pluginContext) {
    try {
      String url = sc.getConf().get(AutoscalerPlugin.URL_KEY, "");
      if (url.isBlank()) {
        LOG.info(
            "appspark: {} is not set; this driver is not announced to an autoscaler",
            AutoscalerPlugin.URL_KEY);
        return Map.of();
      }
      context = sc;
      drivers = URI.create(url.replaceAll("/+$", "") + "/v1/drivers/");
      http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "appspark-autoscaler-announcer");
                t.setDaemon(true);
                return t;
              });
      timer.scheduleWithFixedDelay(this::announce, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
      if (sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false)) {
        backlog = backlogListener(sc.getConf());
        sc.addSparkListener(backlog);
      }
    } catch (RuntimeException e) {
      warnOnce("cannot start announcing this driver to the autoscaler", e);
    }
    return Map.of();
  }

  private BacklogListener backlogListener(SparkConf conf) {
    int tasksPerExecutor =
        conf.getInt("spark.executor.cores", 1) / Math.max(1, conf.getInt("spark.task.cpus", 1));
    return new BacklogListener(
        tasksPerExecutor,
        conf.getDouble("spark.dynamicAllocation.executorAllocationRatio", 1.0),
        conf.getInt("spark.dynamicAllocation.maxExecutors", Integer.MAX_VALUE),
        needed -> pushNow());
  }

  /** Announces now, off the listener bus's thread; a stopped timer refuses quietly. */
  private void pushNow() {
    try {
      timer.execute(this::announce);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down: nothing to push any more
    }
  }

  @Override
  public void shutdown() {
    if (timer == null) {
      return;
    }
    timer.shutdownNow();
    String appId = announcedAppId;
    if (appId != null) {
      send(HttpRequest.newBuilder(drivers.resolve(appId)).timeout(TIMEOUT).DELETE().build());
    }
  }

  private void announce() {
    try {
      String appId = context.applicationId();
      if (appId == null) {
        return;
      }
      String body = announcement(appId, context.getConf()).toJson();
      HttpRequest put =
          HttpRequest.newBuilder(drivers.resolve(appId))
              .timeout(TIMEOUT)
              .header("Content-Type", "application/json")
              .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
              .build();
      if (send(put)) {
        announcedAppId = appId;
      }
    } catch (RuntimeException e) {
      warnOnce("cannot announce this driver to the autoscaler", e);
    }
  }

  private Announcement announcement(String appId, SparkConf conf) {
    String ui = context.uiWebUrl().isDefined() ? context.uiWebUrl().get() : null;
    int coresMax = conf.contains("spark.cores.max") ? conf.getInt("spark.cores.max", 0) : 0;
    return new Announcement(
        appId,
        context.appName(),
        ui,
        conf.getBoolean("spark.dynamicAllocation.enabled", false),
        conf.getInt("spark.executor.cores", 1),
        coresMax,
        backlog == null ? 0 : backlog.neededExecutors());
  }

  private boolean send(HttpRequest request) {
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() >= 300) {
        warnOnce(
            "the autoscaler answered "
                + response.statusCode()
                + " to "
                + request.method()
                + " "
                + request.uri(),
            null);
        return false;
      }
      return true;
    } catch (java.io.IOException e) {
      warnOnce(
          "the autoscaler at " + request.uri() + " does not answer (" + e + "); retrying quietly",
          null);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void warnOnce(String message, Throwable cause) {
    if (warned.compareAndSet(false, true)) {
      LOG.warn("appspark: {}; the driver goes on without autoscaling", message, cause);
    }
  }
}
