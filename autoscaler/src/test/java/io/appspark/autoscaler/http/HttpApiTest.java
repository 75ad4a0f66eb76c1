package io.appspark.autoscaler.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.appspark.autoscaler.Autoscaler;
import io.appspark.autoscaler.FakeBackend;
import io.appspark.autoscaler.config.AutoscalerConfig;
import io.appspark.autoscaler.demand.AllocationGauges;
import io.appspark.autoscaler.policy.PolicyConfig;
import io.appspark.launcher.spark.MasterState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class HttpApiTest {
  /** A bound on waiting, never a timing assertion: generous, because CI shares two cores. */
  private static final Duration WAIT = Duration.ofSeconds(30);

  final FakeBackend backend = new FakeBackend();
  final AtomicReference<AllocationGauges> gauges =
      new AtomicReference<>(new AllocationGauges(0, 0, 0, 0));
  Autoscaler autoscaler;
  HttpClient http;

  record Reply(int status, String body) {}

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    AutoscalerConfig config =
        new AutoscalerConfig(
            "test",
            Path.of("/nonexistent"),
            "127.0.0.1",
            0,
            new PolicyConfig(0, 4, 1, 4, Duration.ofSeconds(30), Duration.ofSeconds(60)),
            Duration.ofMillis(20),
            Duration.ofSeconds(10));
    http = vertx.createHttpClient();
    Autoscaler.start(vertx, config, backend, url -> Optional.of(gauges.get()), Clock.systemUTC())
        .onComplete(
            ctx.succeeding(
                a -> {
                  autoscaler = a;
                  ctx.completeNow();
                }));
  }

  @AfterEach
  void stop() {
    autoscaler.close();
  }

  @Test
  void anAnnouncedDriverWithBacklogGetsWorkersAndStatusSaysWhy() throws Exception {
    backend.addApp(new MasterState.App("app-1", "etl", 0, 1024, "RUNNING", 0));
    gauges.set(new AllocationGauges(3, 0, 0, 0));
    String announcement =
        "{\"appId\":\"app-1\",\"appName\":\"etl\",\"uiUrl\":\"http://127.0.0.1:4040\",\"dynamicAllocation\":true,\"executorCores\":1,\"coresMax\":0}";

    assertThat(call(HttpMethod.PUT, "/v1/drivers/app-1", announcement).status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> backend.counted() == 3);
    await()
        .atMost(WAIT)
        .until(() -> autoscaler.loop().status().lastDecision().reason().startsWith("steady"));

    JsonObject status = new JsonObject(call(HttpMethod.GET, "/status", "").body());
    assertThat(status.getInteger("wantedExecutors")).isEqualTo(3);
    assertThat(status.getJsonArray("workers")).hasSize(3);
    assertThat(status.getJsonArray("decisions").getJsonObject(0).getString("reason"))
        .isEqualTo("add 3: 3 executor(s) wanted (3 cores), 0 core(s) free");
    assertThat(backend.requests).containsExactly("request 3");
  }

  @Test
  void aWithdrawnDriverNoLongerCounts() throws Exception {
    backend.addApp(new MasterState.App("app-1", "etl", 0, 1024, "RUNNING", 0));
    gauges.set(new AllocationGauges(2, 0, 0, 0));
    call(
        HttpMethod.PUT,
        "/v1/drivers/app-1",
        "{\"appId\":\"app-1\",\"uiUrl\":\"http://127.0.0.1:4040\",\"dynamicAllocation\":true,\"executorCores\":1}");
    await().atMost(WAIT).until(() -> autoscaler.loop().status().wantedExecutors() == 2);

    assertThat(call(HttpMethod.DELETE, "/v1/drivers/app-1", "").status()).isEqualTo(200);

    await().atMost(WAIT).until(() -> autoscaler.loop().status().wantedExecutors() == 0);
  }

  @Test
  void aPinIsCheckedHeldAndReleased() throws Exception {
    Reply refused = call(HttpMethod.POST, "/scale?workers=9", "");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("workers: must be a whole number from 0 to 4; got 9");

    assertThat(call(HttpMethod.POST, "/scale?workers=2", "").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> backend.counted() == 2);
    assertThat(autoscaler.loop().status().pinned()).isEqualTo(2);

    assertThat(call(HttpMethod.DELETE, "/scale", "").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> autoscaler.loop().status().pinned() == null);
  }

  @Test
  void badAnnouncementsAreRefusedNamingTheField() throws Exception {
    Reply reply =
        call(
            HttpMethod.PUT,
            "/v1/drivers/app-1",
            "{\"appId\":\"app-1\",\"uiUrl\":\"file:///etc/passwd\",\"executorCores\":1}");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body()).contains("uiUrl: must be an http(s) URL");
  }

  @Test
  void servesMetricsHealthReadinessAndTheDashboard() throws Exception {
    await().atMost(WAIT).until(() -> autoscaler.loop().status().ready());

    assertThat(call(HttpMethod.GET, "/metrics", "").body())
        .contains("appspark_autoscaler_workers{phase=\"active\"}")
        .contains("appspark_autoscaler_decisions_total{action=\"hold\"}")
        .contains("appspark_autoscaler_reaction_seconds");
    assertThat(call(HttpMethod.GET, "/readyz", "").status()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/healthz", "").status()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/", "").body())
        .contains("<svg id=\"chart\"")
        .doesNotContain("https://");
  }

  /** Sends on the Vert.x client and waits on the test thread. */
  private Reply call(HttpMethod method, String path, String body) throws Exception {
    Future<Reply> reply =
        http.request(method, autoscaler.port(), "127.0.0.1", path)
            .compose(req -> req.send(Buffer.buffer(body)))
            .compose(r -> r.body().map(b -> new Reply(r.statusCode(), b.toString())));
    return reply.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
