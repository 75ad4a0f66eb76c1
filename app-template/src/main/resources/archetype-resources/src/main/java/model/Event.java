package ${package}.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * One observation the service learns from: numeric features and whether the outcome happened
 * (label 1) or not (label 0). JSON: {@code {"features": [0.4, 12.0], "label": 1}}.
 */
public record Event(double[] features, double label) {
  public static final int MAX_FEATURES = 1000;

  public Event {
    features = features.clone();
  }

  @Override
  public double[] features() {
    return features.clone();
  }

  /** Parses and validates an event; the message names the bad field. */
  public static Event fromJson(JsonObject json) {
    double[] features = features(json, "features");
    Object label = json.getValue("label");
    if (!(label instanceof Number n) || (n.doubleValue() != 0 && n.doubleValue() != 1)) {
      throw new IllegalArgumentException("label: must be 0 or 1; got " + label);
    }
    return new Event(features, n.doubleValue());
  }

  /** The {@code features} array of a prediction request or an event. */
  public static double[] features(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_FEATURES) {
      throw new IllegalArgumentException(
          field + ": must be an array of 1 to " + MAX_FEATURES + " numbers; got " + value);
    }
    double[] features = new double[array.size()];
    for (int i = 0; i < features.length; i++) {
      if (!(array.getValue(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw new IllegalArgumentException(
            field + "[" + i + "]: must be a finite number; got " + array.getValue(i));
      }
      features[i] = n.doubleValue();
    }
    return features;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Event e && e.label == label && Arrays.equals(e.features, features);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(features) + Double.hashCode(label);
  }

  @Override
  public String toString() {
    return "Event" + Arrays.toString(features) + "->" + label;
  }
}
