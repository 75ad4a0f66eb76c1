package io.appspark.autoscaler.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long the autoscaler holds back from adding worker pods after it gave one up that never got
 * scheduled (no node has room, a quota): adding more would only make more pods that wait. The first
 * give-up holds for {@link #FIRST}, each further one doubles it up to {@link #LONGEST}; a pod
 * created after the latest give-up that gets scheduled shows there is room again and ends it. Pure
 * and immutable.
 *
 * @param hold the current hold (zero: none)
 * @param since the latest give-up (null: none)
 * @param why what was given up, for the reason a refused add carries
 */
public record AddBackoff(Duration hold, Instant since, String why) {
  public static final Duration FIRST = Duration.ofSeconds(60);
  public static final Duration LONGEST = Duration.ofMinutes(10);

  public static AddBackoff none() {
    return new AddBackoff(Duration.ZERO, null, "");
  }

  /** After giving up a pod at {@code now}: hold, twice as long as the previous hold. */
  public AddBackoff afterGiveUp(Instant now, String why) {
    Duration next = hold.isZero() ? FIRST : hold.multipliedBy(2);
    return new AddBackoff(next.compareTo(LONGEST) > 0 ? LONGEST : next, now, why);
  }

  /**
   * After a pod created at {@code created} got scheduled: no hold if it is newer than the give-up.
   */
  public AddBackoff afterScheduled(Instant created) {
    return since != null && !created.isBefore(since) ? none() : this;
  }

  /** Until when adding is held, if it is at {@code now}. */
  public Optional<Instant> holdsUntil(Instant now) {
    if (since == null) {
      return Optional.empty();
    }
    Instant until = since.plus(hold);
    return now.isBefore(until) ? Optional.of(until) : Optional.empty();
  }
}
