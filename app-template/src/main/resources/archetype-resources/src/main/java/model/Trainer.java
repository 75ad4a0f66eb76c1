package ${package}.model;

import java.util.List;

/** Learns a model from events; the Spark implementation runs the training on the cluster. */
@FunctionalInterface
public interface Trainer {
  Model train(List<Event> events);
}
