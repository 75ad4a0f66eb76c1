package ${package}.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Events a linear model can separate: label 1 far from the origin, label 0 near it. */
public final class Fixtures {
  private Fixtures() {}

  public static JsonArray separableEvents(int count) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < count; i++) {
      int label = i % 2;
      double jitter = (i % 7) / 10.0;
      double base = label == 1 ? 3.0 : 0.0;
      events.add(
          new JsonObject()
              .put("features", new JsonArray().add(base + jitter).add(base - jitter / 2))
              .put("label", label));
    }
    return events;
  }

  public static JsonObject features(double... values) {
    JsonArray array = new JsonArray();
    for (double v : values) {
      array.add(v);
    }
    return new JsonObject().put("features", array);
  }
}
