package io.appspark.autoscaler.demand;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.autoscaler.policy.AppDemand;
import io.appspark.autoscaler.policy.AppDemand.Source;
import io.appspark.launcher.spark.MasterState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemandReaderTest {
  final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
  final DriverRegistry drivers = new DriverRegistry(Duration.ofSeconds(10), clock);
  final Map<String, AllocationGauges> gauges = new HashMap<>();
  final DemandReader reader =
      new DemandReader(drivers, url -> Optional.ofNullable(gauges.get(url)), 2);

  static MasterState.App app(String id, String state, int cores) {
    return new MasterState.App(id, id, cores, 1024, state, 0);
  }

  @Test
  void aDriverWithDynamicAllocationWantsItsTargetExecutors() {
    drivers.announce(
        new DriverAnnouncement("app-1", "etl", "http://127.0.0.1:4040", true, 2, 0, 0));
    gauges.put("http://127.0.0.1:4040", new AllocationGauges(7, 1, 0, 0));

    List<AppDemand> demand = reader.read(List.of(app("app-1", "RUNNING", 2))).apps();

    assertThat(demand).containsExactly(new AppDemand("app-1", Source.DYNAMIC_ALLOCATION, 7, 1, 2));
  }

  @Test
  void aDriversPushedBacklogCountsBeforeSparkRaisesItsTarget() {
    drivers.announce(
        new DriverAnnouncement("app-1", "etl", "http://127.0.0.1:4040", true, 2, 0, 4));
    drivers.announce(
        new DriverAnnouncement("app-2", "new", "http://127.0.0.1:4041", true, 2, 0, 3));
    gauges.put("http://127.0.0.1:4040", new AllocationGauges(1, 1, 0, 0));

    List<AppDemand> demand =
        reader.read(List.of(app("app-1", "RUNNING", 2), app("app-2", "RUNNING", 2))).apps();

    assertThat(demand)
        .containsExactlyInAnyOrder(
            new AppDemand("app-1", Source.DYNAMIC_ALLOCATION, 4, 1, 2),
            new AppDemand("app-2", Source.DYNAMIC_ALLOCATION, 3, 1, 2));
  }

  @Test
  void sparksTargetWinsWhenItIsAboveThePushedBacklog() {
    drivers.announce(
        new DriverAnnouncement("app-1", "etl", "http://127.0.0.1:4040", true, 1, 0, 1));
    gauges.put("http://127.0.0.1:4040", new AllocationGauges(3, 3, 0, 0));

    assertThat(reader.read(List.of(app("app-1", "RUNNING", 3))).wantedExecutors()).isEqualTo(3);
  }

  @Test
  void aDriverWhoseMetricsDoNotAnswerKeepsItsLastDemand() {
    drivers.announce(
        new DriverAnnouncement("app-1", "etl", "http://127.0.0.1:4040", true, 1, 0, 0));
    gauges.put("http://127.0.0.1:4040", new AllocationGauges(3, 3, 0, 0));
    reader.read(List.of(app("app-1", "RUNNING", 3)));
    gauges.clear();

    assertThat(reader.read(List.of(app("app-1", "RUNNING", 3))).wantedExecutors()).isEqualTo(3);
  }

  @Test
  void staticDriversWantCoresMaxOrOneMoreExecutorWhileWaiting() {
    drivers.announce(new DriverAnnouncement("app-1", "bounded", null, false, 1, 3, 0));
    drivers.announce(new DriverAnnouncement("app-2", "unbounded", "http://x:1", false, 2, 0, 0));

    List<AppDemand> demand =
        reader.read(List.of(app("app-1", "RUNNING", 1), app("app-2", "WAITING", 0))).apps();

    assertThat(demand)
        .containsExactlyInAnyOrder(
            new AppDemand("app-1", Source.STATIC, 3, 1, 1),
            new AppDemand("app-2", Source.STATIC, 1, 0, 2));
  }

  @Test
  void anUnannouncedWaitingAppWantsOneWorker() {
    List<AppDemand> demand =
        reader.read(List.of(app("app-9", "WAITING", 0), app("app-8", "RUNNING", 4))).apps();

    assertThat(demand).containsExactly(new AppDemand("app-9", Source.WAITING_APP, 1, 0, 2));
  }

  @Test
  void aDriversMetricsAreReadAtMostOncePerRefreshAndAPushedRiseCountsInBetween() {
    Instant[] now = {Instant.parse("2025-01-01T00:00:00Z")};
    Clock moving =
        new Clock() {
          @Override
          public Instant instant() {
            return now[0];
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    int[] reads = {0};
    DemandReader throttled =
        new DemandReader(
            drivers,
            url -> {
              reads[0]++;
              return Optional.ofNullable(gauges.get(url));
            },
            2,
            moving,
            Duration.ofSeconds(1));
    drivers.announce(
        new DriverAnnouncement("app-1", "etl", "http://127.0.0.1:4040", true, 2, 0, 0));
    gauges.put("http://127.0.0.1:4040", new AllocationGauges(1, 1, 0, 0));
    List<MasterState.App> apps = List.of(app("app-1", "RUNNING", 2));

    throttled.read(apps);
    gauges.put("http://127.0.0.1:4040", new AllocationGauges(2, 1, 0, 0));
    now[0] = now[0].plusMillis(500);
    drivers.announce(
        new DriverAnnouncement("app-1", "etl", "http://127.0.0.1:4040", true, 2, 0, 6));
    List<AppDemand> pushed = throttled.read(apps).apps();
    now[0] = now[0].plusMillis(500);
    drivers.announce(
        new DriverAnnouncement("app-1", "etl", "http://127.0.0.1:4040", true, 2, 0, 0));
    List<AppDemand> refreshed = throttled.read(apps).apps();

    assertThat(reads[0]).isEqualTo(2);
    assertThat(pushed).containsExactly(new AppDemand("app-1", Source.DYNAMIC_ALLOCATION, 6, 1, 2));
    assertThat(refreshed)
        .containsExactly(new AppDemand("app-1", Source.DYNAMIC_ALLOCATION, 2, 1, 2));
  }

  @Test
  void gaugesAreReadFromSparksJsonMetrics() throws Exception {
    String body =
        """
        {"version":"4.0.0","gauges":{
          "app-1.driver.ExecutorAllocationManager.executors.numberTargetExecutors":{"value":7},
          "app-1.driver.ExecutorAllocationManager.executors.numberAllExecutors":{"value":1},
          "app-1.driver.ExecutorAllocationManager.executors.numberDecommissioningExecutors":{"value":0},
          "app-1.driver.BlockManager.memory.maxMem_MB":{"value":434}}}
        """;

    assertThat(DriverMetricsClient.parse(body)).contains(new AllocationGauges(7, 1, 0, 0));
    assertThat(DriverMetricsClient.parse("{\"gauges\":{}}")).isEmpty();
  }
}
