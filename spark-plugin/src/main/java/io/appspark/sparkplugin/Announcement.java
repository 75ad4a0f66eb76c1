package io.appspark.sparkplugin;

/**
 * What a driver tells the autoscaler about itself: where to read its allocation metrics and how it
 * allocates executors.
 *
 * @param uiUrl the driver's UI (its metrics servlet lives there), or null when the UI is off
 * @param coresMax spark.cores.max, or 0 when unset
 * @param neededExecutors executors its unfinished tasks need now (0 without dynamic allocation):
 *     ahead of Spark's own target, which waits for its backlog timeout
 */
record Announcement(
    String appId,
    String appName,
    String uiUrl,
    boolean dynamicAllocation,
    int executorCores,
    int coresMax,
    int neededExecutors) {

  String toJson() {
    return "{\"appId\":"
        + quote(appId)
        + ",\"appName\":"
        + quote(appName)
        + ",\"uiUrl\":"
        + quote(uiUrl)
        + ",\"dynamicAllocation\":"
        + dynamicAllocation
        + ",\"executorCores\":"
        + executorCores
        + ",\"coresMax\":"
        + coresMax
        + ",\"neededExecutors\":"
        + neededExecutors
        + "}";
  }

  private static String quote(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
