package io.appspark.autoscaler.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appspark.autoscaler.demand.DriverAnnouncement;
import io.appspark.autoscaler.demand.DriverRegistry;
import io.appspark.autoscaler.loop.ScalingLoop;
import io.appspark.autoscaler.loop.StatusSnapshot;
import io.appspark.autoscaler.policy.PolicyConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The autoscaler's HTTP API.
 *
 * <ul>
 *   <li>{@code GET /status}: workers, demand, recent decisions with their reasons, recent history
 *   <li>{@code POST /scale?workers=N}: pin the count; {@code DELETE /scale}: follow demand again
 *   <li>{@code PUT /v1/drivers/{appId}}, {@code DELETE /v1/drivers/{appId}}: drivers announce
 *       themselves (the spark-plugin module does it)
 *   <li>{@code GET /metrics} (Prometheus), {@code /healthz}, {@code /readyz}, {@code /} (dashboard)
 * </ul>
 */
public final class HttpApi {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  private final ScalingLoop loop;
  private final DriverRegistry drivers;
  private final PrometheusMeterRegistry metrics;
  private final PolicyConfig limits;
  private final Buffer dashboard;

  public HttpApi(
      ScalingLoop loop,
      DriverRegistry drivers,
      PrometheusMeterRegistry metrics,
      PolicyConfig limits) {
    this.loop = loop;
    this.drivers = drivers;
    this.metrics = metrics;
    this.limits = limits;
    this.dashboard = Buffer.buffer(resource("/dashboard.html"));
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router
        .get("/")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "text/html; charset=utf-8")
                    .end(dashboard));
    router.get("/status").handler(ctx -> json(ctx, 200, loop.status()));
    router.post("/scale").handler(this::pin);
    router.delete("/scale").handler(this::release);
    router.put("/v1/drivers/:appId").handler(this::announce);
    router.delete("/v1/drivers/:appId").handler(this::withdraw);
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.scrape()));
    router.get("/healthz").handler(ctx -> json(ctx, 200, Map.of("status", "up")));
    router.get("/readyz").handler(this::ready);
    return router;
  }

  private void pin(RoutingContext ctx) {
    String given = ctx.request().getParam("workers");
    if (given == null
        || !given.matches("\\d{1,4}")
        || Integer.parseInt(given) < limits.minWorkers()
        || Integer.parseInt(given) > limits.maxWorkers()) {
      json(
          ctx,
          400,
          Map.of(
              "error",
              "workers: must be a whole number from "
                  + limits.minWorkers()
                  + " to "
                  + limits.maxWorkers()
                  + "; got "
                  + given));
      return;
    }
    loop.pin(OptionalInt.of(Integer.parseInt(given)));
    json(ctx, 200, Map.of("pinned", Integer.parseInt(given)));
  }

  private void release(RoutingContext ctx) {
    loop.pin(OptionalInt.empty());
    json(ctx, 200, Map.of("pinned", false));
  }

  private void announce(RoutingContext ctx) {
    String appId = ctx.pathParam("appId");
    try {
      DriverAnnouncement given = JSON.readValue(ctx.body().asString(), DriverAnnouncement.class);
      if (given == null) {
        throw new IllegalArgumentException("the body must be a JSON object");
      }
      DriverAnnouncement driver = given.validated(appId);
      Optional<DriverAnnouncement> before = drivers.announce(driver);
      if (before.isEmpty()) {
        LOG.info(
            "driver {} ({}) announced: UI {}, dynamic allocation {}",
            driver.appId(),
            driver.appName(),
            driver.uiUrl(),
            driver.dynamicAllocation());
      }
      if (before.isEmpty() || driver.neededExecutors() > before.get().neededExecutors()) {
        loop.decideNow();
      }
      json(ctx, 200, Map.of("appId", appId));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      json(ctx, 400, Map.of("error", "announcement of " + appId + ": " + e.getMessage()));
    }
  }

  private void withdraw(RoutingContext ctx) {
    String appId = ctx.pathParam("appId");
    if (drivers.withdraw(appId)) {
      LOG.info("driver {} withdrew", appId);
    }
    json(ctx, 200, Map.of("withdrawn", appId));
  }

  private void ready(RoutingContext ctx) {
    StatusSnapshot s = loop.status();
    if (s.ready()) {
      json(ctx, 200, Map.of("status", "ready"));
    } else {
      json(
          ctx,
          503,
          Map.of(
              "status",
              "not ready",
              "reason",
              s.error() == null ? "no observation yet" : s.error()));
    }
  }

  private static void json(RoutingContext ctx, int status, Object body) {
    try {
      ctx.response()
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .end(JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      ctx.fail(e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = HttpApi.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the autoscaler's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
