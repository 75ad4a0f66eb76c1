package io.appspark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The generated app's HTTP API, called at its pod's address (the node reaches pods on the bridge):
 * events in, a training job on the in-app cluster, predictions out. A bearer token when the app has
 * one.
 */
final class AppService {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final Optional<String> token;

  AppService(String podIp, Optional<String> token) {
    this.base = "http://" + podIp + ":8080";
    this.token = token;
  }

  /** Two separable classes: small features label 0, large ones label 1. */
  void ingestTwoClasses() throws IOException, InterruptedException {
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      events.add(Map.of("features", List.of(i / 10.0, 0.2), "label", 0));
      events.add(Map.of("features", List.of(3 + i / 10.0, 2.8), "label", 1));
    }
    HttpResponse<String> answer = post("/events", Map.of("events", events));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
  }

  /** Starts training and waits for its end; returns the job as it ended. */
  JsonNode train() throws IOException, InterruptedException {
    HttpResponse<String> started = post("/train", Map.of());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String id = JSON.readTree(started.body()).path("id").asText();
    return await("the training job " + id + " ends")
        .atMost(ClusterPods.POD_WORK)
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> get("/jobs/" + id), job -> !"RUNNING".equals(job.path("state").asText()));
  }

  JsonNode predict(double... features) throws IOException, InterruptedException {
    HttpResponse<String> answer = post("/predict", Map.of("features", features));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  /** A POST without the token: what a stranger gets. */
  int postWithoutToken(String path) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> answer =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private HttpResponse<String> post(String path, Object body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
