package ${package}.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The events ingested so far, in memory. All events have as many features as the first one; a
 * real app would keep them in durable storage (a database, object storage) and train from there.
 */
public final class EventLog {
  public static final int MAX_EVENTS = 1_000_000;

  private final List<Event> events = new ArrayList<>();

  /** Adds all or none of {@code batch}; returns how many events the log holds afterwards. */
  public synchronized int addAll(List<Event> batch) {
    int dimension = events.isEmpty() ? batch.get(0).features().length : dimension();
    for (int i = 0; i < batch.size(); i++) {
      int given = batch.get(i).features().length;
      if (given != dimension) {
        throw new IllegalArgumentException(
            "events["
                + i
                + "].features: must have "
                + dimension
                + " numbers like the events before; got "
                + given);
      }
    }
    if (events.size() + batch.size() > MAX_EVENTS) {
      throw new IllegalArgumentException("the log is full: at most " + MAX_EVENTS + " events");
    }
    events.addAll(batch);
    return events.size();
  }

  public synchronized List<Event> snapshot() {
    return List.copyOf(events);
  }

  public synchronized int dimension() {
    return events.isEmpty() ? 0 : events.get(0).features().length;
  }
}
