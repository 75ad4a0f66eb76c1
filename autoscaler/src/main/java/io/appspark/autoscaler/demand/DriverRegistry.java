package io.appspark.autoscaler.demand;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The drivers that announced themselves. An announcement lasts one lease; drivers renew it, so a
 * driver killed without withdrawing disappears after a lease and a restarted autoscaler relearns
 * every live driver within one renewal period.
 */
public final class DriverRegistry {
  private record Entry(DriverAnnouncement driver, Instant expires) {}

  private final Map<String, Entry> drivers = new ConcurrentHashMap<>();
  private final Duration lease;
  private final Clock clock;

  public DriverRegistry(Duration lease, Clock clock) {
    this.lease = lease;
    this.clock = clock;
  }

  /** Returns the driver's previous announcement, empty when it was not known before. */
  public Optional<DriverAnnouncement> announce(DriverAnnouncement driver) {
    return Optional.ofNullable(
            drivers.put(driver.appId(), new Entry(driver, clock.instant().plus(lease))))
        .map(Entry::driver);
  }

  public boolean withdraw(String appId) {
    return drivers.remove(appId) != null;
  }

  /** The drivers whose lease runs; expired ones are dropped. */
  public List<DriverAnnouncement> live() {
    Instant now = clock.instant();
    drivers.values().removeIf(e -> e.expires().isBefore(now));
    return drivers.values().stream().map(Entry::driver).toList();
  }
}
