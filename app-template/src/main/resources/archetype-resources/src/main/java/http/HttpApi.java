package ${package}.http;

import ${package}.model.Event;
import ${package}.model.EventLog;
import ${package}.model.Jobs;
import ${package}.model.Model;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The service's HTTP API:
 *
 * <ul>
 *   <li>{@code POST /events}: one event or {@code {"events": [...]}}; 202 with the count held
 *   <li>{@code POST /train}: starts training on the cluster; 202 with the job's id
 *   <li>{@code GET /jobs/<id>}: the job's state (RUNNING, SUCCEEDED, FAILED) and detail
 *   <li>{@code POST /predict}: {@code {"features": [...]}}; the label and its probability, from the
 *       model in memory (409 until one is trained)
 *   <li>{@code GET /health}: 200 while the service serves
 * </ul>
 *
 * With an API token configured, POST requests need {@code Authorization: Bearer <token>}.
 */
public final class HttpApi {
  private static final int MAX_BODY = 8 * 1024 * 1024;

  private final EventLog events;
  private final Jobs jobs;
  private final Optional<byte[]> token;

  public HttpApi(EventLog events, Jobs jobs, Optional<String> apiToken) {
    this.events = events;
    this.jobs = jobs;
    this.token = apiToken.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> reply(ctx, 200, new JsonObject().put("status", "up")));
    router.post().handler(BodyHandler.create().setBodyLimit(MAX_BODY)).handler(this::authorize);
    router.post("/events").handler(this::ingest);
    router.post("/train").handler(this::train);
    router.get("/jobs/:id").handler(this::job);
    router.post("/predict").handler(this::predict);
    return router;
  }

  private void authorize(RoutingContext ctx) {
    if (token.isEmpty()) {
      ctx.next();
      return;
    }
    String given = ctx.request().getHeader("Authorization");
    if (given != null
        && MessageDigest.isEqual(token.get(), given.getBytes(StandardCharsets.UTF_8))) {
      ctx.next();
    } else {
      reply(ctx, 401, error("missing or wrong 'Authorization: Bearer <token>'"));
    }
  }

  private void ingest(RoutingContext ctx) {
    try {
      JsonObject body = body(ctx);
      List<Event> batch = new ArrayList<>();
      if (body.containsKey("events")) {
        JsonArray given = body.getJsonArray("events");
        for (int i = 0; i < given.size(); i++) {
          batch.add(parse(given.getValue(i), "events[" + i + "]"));
        }
      } else {
        batch.add(Event.fromJson(body));
      }
      if (batch.isEmpty()) {
        throw new IllegalArgumentException("events: must hold at least one event");
      }
      int held = events.addAll(batch);
      reply(ctx, 202, new JsonObject().put("accepted", batch.size()).put("held", held));
    } catch (IllegalArgumentException | ClassCastException e) {
      reply(ctx, 400, error(e.getMessage()));
    }
  }

  private static Event parse(Object value, String where) {
    if (!(value instanceof JsonObject json)) {
      throw new IllegalArgumentException(where + ": must be an object; got " + value);
    }
    try {
      return Event.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + "." + e.getMessage(), e);
    }
  }

  private void train(RoutingContext ctx) {
    try {
      Jobs.Status job = jobs.submit(events.snapshot());
      reply(ctx, 202, status(job));
    } catch (IllegalArgumentException e) {
      reply(ctx, 409, error(e.getMessage()));
    }
  }

  private void job(RoutingContext ctx) {
    jobs.status(ctx.pathParam("id"))
        .ifPresentOrElse(
            job -> reply(ctx, 200, status(job)),
            () -> reply(ctx, 404, error("no such job: " + ctx.pathParam("id"))));
  }

  private void predict(RoutingContext ctx) {
    Optional<Model> model = jobs.model();
    if (model.isEmpty()) {
      reply(ctx, 409, error("no model yet: POST /events, then POST /train"));
      return;
    }
    try {
      double[] features = Event.features(body(ctx), "features");
      if (features.length != model.get().dimension()) {
        throw new IllegalArgumentException(
            "features: the model takes "
                + model.get().dimension()
                + " numbers; got "
                + features.length);
      }
      Model.Prediction p = model.get().predict(features);
      reply(ctx, 200, new JsonObject().put("label", p.label()).put("probability", p.probability()));
    } catch (IllegalArgumentException e) {
      reply(ctx, 400, error(e.getMessage()));
    }
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw new IllegalArgumentException("the body must be a JSON object");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("the body must be a JSON object", e);
    }
  }

  private static JsonObject status(Jobs.Status job) {
    return new JsonObject()
        .put("id", job.id())
        .put("state", job.state().name())
        .put("events", job.events())
        .put("detail", job.detail());
  }

  private static JsonObject error(String message) {
    return new JsonObject().put("error", message);
  }

  private static void reply(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }
}
