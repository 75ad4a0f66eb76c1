package io.appspark.autoscaler.demand;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a driver's allocation gauges from its JSON metrics servlet ({@code /metrics/json/} on the
 * driver UI): Spark's own machine-readable metrics, not its HTML pages.
 */
public final class DriverMetricsClient {
  static final String SOURCE = ".ExecutorAllocationManager.executors.";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** The gauges, or empty when the driver does not answer or has no allocation manager. */
  public Optional<AllocationGauges> read(String uiUrl) {
    try {
      URI uri = URI.create(uiUrl.replaceAll("/+$", "") + "/metrics/json/");
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? parse(response.body()) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static Optional<AllocationGauges> parse(String body) throws IOException {
    JsonNode gauges = JSON.readTree(body).path("gauges");
    Integer target = null;
    int all = 0;
    int pendingToRemove = 0;
    int decommissioning = 0;
    for (Map.Entry<String, JsonNode> gauge : gauges.properties()) {
      int at = gauge.getKey().indexOf(SOURCE);
      if (at < 0) {
        continue;
      }
      int value = gauge.getValue().path("value").asInt(0);
      switch (gauge.getKey().substring(at + SOURCE.length())) {
        case "numberTargetExecutors" -> target = value;
        case "numberAllExecutors" -> all = value;
        case "numberExecutorsPendingToRemove" -> pendingToRemove = value;
        case "numberDecommissioningExecutors" -> decommissioning = value;
        default -> {}
      }
    }
    return target == null
        ? Optional.empty()
        : Optional.of(new AllocationGauges(target, all, pendingToRemove, decommissioning));
  }
}
