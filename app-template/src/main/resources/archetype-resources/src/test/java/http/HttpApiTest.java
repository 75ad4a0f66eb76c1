package ${package}.http;

import static org.assertj.core.api.Assertions.assertThat;

import ${package}.model.EventLog;
import ${package}.model.Jobs;
import ${package}.model.Model;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The API over a trainer that needs no cluster: label 1 when the first feature is above 1. */
@ExtendWith(VertxExtension.class)
class HttpApiTest {
  static final String TOKEN = "s3cret";

  HttpClient http;
  int port;

  record Reply(int status, JsonObject body) {}

  static final class ThresholdModel implements Model {
    @Override
    public int dimension() {
      return 2;
    }

    @Override
    public Prediction predict(double[] features) {
      return features[0] > 1 ? new Prediction(1, 0.9) : new Prediction(0, 0.1);
    }

    @Override
    public double trainingAccuracy() {
      return 1.0;
    }
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    Jobs jobs = new Jobs(events -> new ThresholdModel(), Runnable::run);
    HttpApi api = new HttpApi(new EventLog(), jobs, Optional.of(TOKEN));
    http = vertx.createHttpClient();
    vertx
        .createHttpServer()
        .requestHandler(api.router(vertx))
        .listen(0, "127.0.0.1")
        .onComplete(
            ctx.succeeding(
                (HttpServer server) -> {
                  port = server.actualPort();
                  ctx.completeNow();
                }));
  }

  @Test
  void predictsOnceTrainedOnIngestedEvents(VertxTestContext ctx) {
    JsonObject batch = new JsonObject().put("events", Fixtures.separableEvents(20));
    call(HttpMethod.POST, "/predict", Fixtures.features(2, 0), TOKEN)
        .compose(
            none -> {
              ctx.verify(() -> assertThat(none.status()).isEqualTo(409));
              return call(HttpMethod.POST, "/events", batch, TOKEN);
            })
        .compose(
            ingested -> {
              ctx.verify(
                  () -> {
                    assertThat(ingested.status()).isEqualTo(202);
                    assertThat(ingested.body().getInteger("held")).isEqualTo(20);
                  });
              return call(HttpMethod.POST, "/train", new JsonObject(), TOKEN);
            })
        .compose(
            started -> {
              ctx.verify(() -> assertThat(started.status()).isEqualTo(202));
              return call(HttpMethod.GET, "/jobs/" + started.body().getString("id"), null, null);
            })
        .compose(
            job -> {
              ctx.verify(() -> assertThat(job.body().getString("state")).isEqualTo("SUCCEEDED"));
              return call(HttpMethod.POST, "/predict", Fixtures.features(2, 0), TOKEN);
            })
        .onComplete(
            ctx.succeeding(
                predicted ->
                    ctx.verify(
                        () -> {
                          assertThat(predicted.status()).isEqualTo(200);
                          assertThat(predicted.body().getInteger("label")).isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  void refusesPostsWithoutTheToken(VertxTestContext ctx) {
    call(HttpMethod.POST, "/train", new JsonObject(), "wrong")
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply.status()).isEqualTo(401);
                          ctx.completeNow();
                        })));
  }

  @Test
  void namesTheBadFieldOfAnEvent(VertxTestContext ctx) {
    JsonObject bad = new JsonObject().put("features", new io.vertx.core.json.JsonArray().add(1));
    call(HttpMethod.POST, "/events", bad.put("label", 7), TOKEN)
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply.status()).isEqualTo(400);
                          assertThat(reply.body().getString("error")).startsWith("label:");
                          ctx.completeNow();
                        })));
  }

  @Test
  void refusesToTrainOnTooFewEvents(VertxTestContext ctx) {
    call(HttpMethod.POST, "/train", new JsonObject(), TOKEN)
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply.status()).isEqualTo(409);
                          assertThat(reply.body().getString("error")).contains("at least");
                          ctx.completeNow();
                        })));
  }

  private Future<Reply> call(HttpMethod method, String path, JsonObject body, String token) {
    return http.request(method, port, "127.0.0.1", path)
        .compose(
            req -> {
              if (token != null) {
                req.putHeader("Authorization", "Bearer " + token);
              }
              return body == null ? req.send() : req.send(body.encode());
            })
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toJsonObject())));
  }
}
