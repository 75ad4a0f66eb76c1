package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ${package}.http.Fixtures;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service on a real local in-app cluster: {@code appspark up}, then the service as a
 * driver ({@code appspark submit}), then events, training on the cluster and predictions over
 * HTTP, as a client would.
 */
class PredictionServiceIT {
  /** Bounds on waiting, never timing assertions: machines running tests are often busy. */
  static final Duration START = Duration.ofMinutes(4);

  static final Duration TRAINING = Duration.ofMinutes(10);

  static final String CLUSTER = "it-" + ProcessHandle.current().pid();
  /** Read by the service through a {@code file:} reference, as from a mounted Secret. */
  static final String TOKEN = "it-token-" + Long.toHexString(System.nanoTime());

  static Path stateDir;
  static AppsparkCli cli;
  static Process service;
  static Path serviceLog;
  static int port;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void startClusterAndService() throws IOException {
    stateDir = Files.createTempDirectory("appspark-it");
    cli = AppsparkCli.fromEnvironment(stateDir);
    cli.run(
        "up",
        "-f",
        System.getProperty("app.spec"),
        "--name",
        CLUSTER,
        "--workers",
        "1",
        "--no-autoscaler",
        "--timeout",
        String.valueOf(START.toSeconds()),
        "--detach");
    Path secrets = Files.createDirectories(stateDir.resolve("secrets"));
    Files.writeString(secrets.resolve("api-token"), TOKEN);
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    serviceLog = stateDir.resolve("service.log");
    service =
        cli.start(
            serviceLog,
            Map.of(
                "HTTP_PORT",
                String.valueOf(port),
                "API_TOKEN_REF",
                "file:" + secrets.resolve("api-token")),
            "submit",
            "--name",
            CLUSTER,
            "--class",
            App.class.getName(),
            System.getProperty("app.jar"));
    await()
        .atMost(START)
        .pollInterval(Duration.ofSeconds(1))
        .failFast("the service ended: " + AppsparkCli.read(serviceLog), () -> !service.isAlive())
        .until(() -> healthy());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (service != null) {
      service.destroy();
      if (!service.waitFor(1, TimeUnit.MINUTES)) {
        service.destroyForcibly();
      }
    }
    if (cli != null) {
      cli.run("down", "--name", CLUSTER);
    }
  }

  @Test
  void predictsWithTheModelTrainedOnTheCluster() throws Exception {
    JsonObject events = new JsonObject().put("events", Fixtures.separableEvents(200));
    assertThat(post("/events", events).statusCode()).isEqualTo(202);

    HttpResponse<String> started = post("/train", new JsonObject());
    assertThat(started.statusCode()).isEqualTo(202);
    String job = new JsonObject(started.body()).getString("id");
    await()
        .atMost(TRAINING)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> !state(job).getString("state").equals("RUNNING"));
    assertThat(state(job).getString("state"))
        .as("job %s; service log:%n%s", state(job), AppsparkCli.read(serviceLog))
        .isEqualTo("SUCCEEDED");

    JsonObject far = new JsonObject(post("/predict", Fixtures.features(3.2, 2.9)).body());
    JsonObject near = new JsonObject(post("/predict", Fixtures.features(0.1, -0.1)).body());
    assertThat(far.getInteger("label")).isEqualTo(1);
    assertThat(near.getInteger("label")).isEqualTo(0);
    assertThat(far.getDouble("probability")).isGreaterThan(0.5);
  }

  @Test
  void theApiTokenFromTheSecretReferenceGuardsPostsAndStaysOutOfTheLog() throws Exception {
    HttpResponse<String> anonymous =
        HTTP.send(
            request("/events")
                .POST(HttpRequest.BodyPublishers.ofString(Fixtures.features(1.0, 1.0).encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(AppsparkCli.read(serviceLog)).doesNotContain(TOKEN);
  }

  static boolean healthy() {
    try {
      return HTTP.send(request("/health").GET().build(), HttpResponse.BodyHandlers.ofString())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static JsonObject state(String job) throws Exception {
    return new JsonObject(
        HTTP.send(request("/jobs/" + job).GET().build(), HttpResponse.BodyHandlers.ofString())
            .body());
  }

  static HttpResponse<String> post(String path, JsonObject body) throws Exception {
    return HTTP.send(
        request(path)
            .header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30));
  }
}
