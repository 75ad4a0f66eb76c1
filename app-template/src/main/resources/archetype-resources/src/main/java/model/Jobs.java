package ${package}.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Training jobs: one at a time, run on {@code executor} (the Spark driver blocks while the
 * cluster trains), each with a status the API serves. A finished job's model replaces the served
 * one at once; a failed job leaves the served model as it was.
 */
public final class Jobs {
  public static final int MIN_EVENTS = 10;

  public enum State {
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  public record Status(String id, State state, int events, String detail) {}

  private final Trainer trainer;
  private final Executor executor;
  private final Map<String, Status> statuses = new ConcurrentHashMap<>();
  private final AtomicReference<Model> current = new AtomicReference<>();
  private String running;

  public Jobs(Trainer trainer, Executor executor) {
    this.trainer = trainer;
    this.executor = executor;
  }

  /**
   * Starts training on {@code events}; returns the new job, or the running one when a job is
   * already running (check its id).
   */
  public synchronized Status submit(List<Event> events) {
    if (events.size() < MIN_EVENTS) {
      throw new IllegalArgumentException(
          "training needs at least " + MIN_EVENTS + " events; the service has " + events.size());
    }
    if (events.stream().mapToDouble(Event::label).distinct().count() < 2) {
      throw new IllegalArgumentException("training needs events with label 0 and with label 1");
    }
    if (running != null) {
      return statuses.get(running);
    }
    String id = UUID.randomUUID().toString();
    running = id;
    Status started = new Status(id, State.RUNNING, events.size(), "training on the cluster");
    statuses.put(id, started);
    executor.execute(() -> train(id, events));
    return started;
  }

  private void train(String id, List<Event> events) {
    try {
      Model model = trainer.train(events);
      current.set(model);
      statuses.put(
          id,
          new Status(
              id,
              State.SUCCEEDED,
              events.size(),
              String.format("training accuracy %.3f", model.trainingAccuracy())));
    } catch (RuntimeException e) {
      statuses.put(id, new Status(id, State.FAILED, events.size(), String.valueOf(e.getMessage())));
    } finally {
      finished();
    }
  }

  private synchronized void finished() {
    running = null;
  }

  public Optional<Status> status(String id) {
    return Optional.ofNullable(statuses.get(id));
  }

  /** The model predictions use: the last one trained successfully. */
  public Optional<Model> model() {
    return Optional.ofNullable(current.get());
  }
}
