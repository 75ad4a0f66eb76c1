package io.appspark.launcher.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Reads a standalone master's JSON state over HTTP. */
public final class MasterClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI jsonUri;

  public MasterClient(String masterWebUrl) {
    this.jsonUri = URI.create(masterWebUrl.replaceAll("/+$", "") + "/json/");
  }

  /** The master's state, or empty while it does not answer (starting, or gone). */
  public Optional<MasterState> state() {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(jsonUri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return Optional.empty();
      }
      return Optional.of(JSON.readValue(response.body(), MasterState.class));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
