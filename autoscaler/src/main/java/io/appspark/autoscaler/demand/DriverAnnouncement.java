package io.appspark.autoscaler.demand;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * What a driver's appspark plugin announces (see the spark-plugin module).
 *
 * @param uiUrl the driver's UI, where its metrics are read; null when its UI is off
 * @param coresMax spark.cores.max, 0 when unset
 * @param neededExecutors executors its unfinished tasks need, as counted by the plugin the moment a
 *     stage is submitted (0 from a plugin that does not count them)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DriverAnnouncement(
    String appId,
    String appName,
    String uiUrl,
    boolean dynamicAllocation,
    int executorCores,
    int coresMax,
    int neededExecutors) {
  private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  /** Checks what came over the wire; the message names the bad field. */
  public DriverAnnouncement validated(String pathAppId) {
    if (appId == null || !APP_ID.matcher(appId).matches()) {
      throw new IllegalArgumentException("appId: must be a Spark application id; got " + appId);
    }
    if (!appId.equals(pathAppId)) {
      throw new IllegalArgumentException(
          "appId: " + appId + " does not match the path's " + pathAppId);
    }
    if (uiUrl != null) {
      URI uri = URI.create(uiUrl);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "uiUrl: must be an http(s) URL of the driver's UI; got " + uiUrl);
      }
    }
    if (executorCores < 1 || coresMax < 0 || neededExecutors < 0) {
      throw new IllegalArgumentException(
          "executorCores must be at least 1, coresMax and neededExecutors at least 0");
    }
    return this;
  }
}
