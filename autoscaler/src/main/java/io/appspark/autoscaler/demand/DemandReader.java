package io.appspark.autoscaler.demand;

import io.appspark.autoscaler.policy.AppDemand;
import io.appspark.autoscaler.policy.AppDemand.Source;
import io.appspark.autoscaler.policy.Demand;
import io.appspark.launcher.spark.MasterState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns the announced drivers and the master's applications into demand:
 *
 * <ul>
 *   <li>a driver with dynamic allocation wants its allocation manager's target executors, or more
 *       when its plugin counts that its unfinished tasks need more: that count arrives the moment a
 *       stage is submitted, while Spark raises its target only after its backlog timeout;
 *   <li>a driver without wants spark.cores.max, or, unbounded, what it holds plus one executor
 *       while the master shows it WAITING;
 *   <li>an application WAITING that no driver announced wants one worker's worth of cores.
 * </ul>
 *
 * A driver whose metrics do not answer this time keeps its last known demand until its lease ends.
 * A driver's metrics are read at most once per {@code gaugeRefresh}: rendering them costs the
 * driver CPU (its whole metrics registry as JSON), and a rise in demand does not wait for them,
 * since the driver pushes it.
 */
public final class DemandReader {
  /** How often a driver's metrics are read at most, unless told otherwise. */
  public static final Duration GAUGE_REFRESH = Duration.ofSeconds(1);

  private final DriverRegistry drivers;
  private final Function<String, Optional<AllocationGauges>> gauges;
  private final int coresPerWorker;
  private final Clock clock;
  private final Duration gaugeRefresh;
  private final Map<String, AllocationGauges> lastKnown = new HashMap<>();
  private final Map<String, Instant> lastRead = new HashMap<>();

  /** Reads every driver's metrics at every step. */
  public DemandReader(
      DriverRegistry drivers,
      Function<String, Optional<AllocationGauges>> gauges,
      int coresPerWorker) {
    this(drivers, gauges, coresPerWorker, Clock.systemUTC(), Duration.ZERO);
  }

  public DemandReader(
      DriverRegistry drivers,
      Function<String, Optional<AllocationGauges>> gauges,
      int coresPerWorker,
      Clock clock,
      Duration gaugeRefresh) {
    this.drivers = drivers;
    this.gauges = gauges;
    this.coresPerWorker = coresPerWorker;
    this.clock = clock;
    this.gaugeRefresh = gaugeRefresh;
  }

  public Demand read(List<MasterState.App> masterApps) {
    Map<String, MasterState.App> apps =
        masterApps.stream().collect(Collectors.toMap(MasterState.App::id, a -> a, (a, b) -> a));
    List<AppDemand> demand = new ArrayList<>();
    List<DriverAnnouncement> live = drivers.live();
    for (DriverAnnouncement driver : live) {
      Optional.ofNullable(apps.get(driver.appId()))
          .ifPresent(app -> driverDemand(driver, app).ifPresent(demand::add));
    }
    Set<String> announced =
        live.stream().map(DriverAnnouncement::appId).collect(Collectors.toSet());
    lastKnown.keySet().retainAll(announced);
    lastRead.keySet().retainAll(announced);
    for (MasterState.App app : masterApps) {
      if (!announced.contains(app.id()) && "WAITING".equals(app.state())) {
        demand.add(new AppDemand(app.id(), Source.WAITING_APP, 1, 0, coresPerWorker));
      }
    }
    return new Demand(demand);
  }

  private Optional<AppDemand> driverDemand(DriverAnnouncement driver, MasterState.App app) {
    int cores = driver.executorCores();
    int held = app.cores() / cores;
    if (!driver.dynamicAllocation() || driver.uiUrl() == null) {
      int wanted =
          driver.coresMax() > 0
              ? (driver.coresMax() + cores - 1) / cores
              : held + ("WAITING".equals(app.state()) ? 1 : 0);
      return Optional.of(
          new AppDemand(driver.appId(), Source.STATIC, Math.max(wanted, held), held, cores));
    }
    Instant now = clock.instant();
    Instant read = lastRead.get(driver.appId());
    if (read == null || !now.isBefore(read.plus(gaugeRefresh))) {
      lastRead.put(driver.appId(), now);
      gauges.apply(driver.uiUrl()).ifPresent(g -> lastKnown.put(driver.appId(), g));
    }
    AllocationGauges known = lastKnown.get(driver.appId());
    if (known == null && driver.neededExecutors() == 0) {
      return Optional.empty();
    }
    int target = known == null ? 0 : Math.max(0, known.target());
    return Optional.of(
        new AppDemand(
            driver.appId(),
            Source.DYNAMIC_ALLOCATION,
            Math.max(target, driver.neededExecutors()),
            known == null ? held : known.all(),
            cores));
  }
}
