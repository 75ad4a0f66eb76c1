package io.appspark.launcher.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to a running supervisor's {@link ControlServer}. */
public final class ControlClient {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;
  private final String token;
  private final String clusterName;

  public ControlClient(int port, String token, String clusterName) {
    this.base = "http://127.0.0.1:" + port + "/v1/";
    this.token = token;
    this.clusterName = clusterName;
  }

  public ClusterState state() {
    return send("GET", "state");
  }

  public ClusterState scale(int workers) {
    return send("POST", "scale?workers=" + workers);
  }

  public ClusterState retire(java.util.List<String> workerIds) {
    return send("POST", "retire?workers=" + String.join(",", workerIds));
  }

  public void shutdown() {
    request("POST", "shutdown");
  }

  private ClusterState send(String method, String path) {
    try {
      return StateFiles.JSON.readValue(request(method, path), ClusterState.class);
    } catch (IOException e) {
      throw new LauncherException(
          ExitCode.FAILED,
          "unexpected answer from cluster '" + clusterName + "': " + e.getMessage());
    }
  }

  private String request(String method, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header(ControlServer.TOKEN_HEADER, token)
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 400) {
        JsonNode error = StateFiles.JSON.readTree(response.body());
        ExitCode code = response.statusCode() == 400 ? ExitCode.USAGE : ExitCode.FAILED;
        throw new LauncherException(code, error.path("error").asText(response.body()));
      }
      return response.body();
    } catch (IOException e) {
      throw new LauncherException(
          ExitCode.NOT_FOUND,
          "cluster '"
              + clusterName
              + "' does not answer ("
              + e.getMessage()
              + "): is it running? see ./appspark status");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException(ExitCode.FAILED, "interrupted");
    }
  }
}
