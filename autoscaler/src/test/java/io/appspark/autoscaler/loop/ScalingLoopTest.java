package io.appspark.autoscaler.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.appspark.autoscaler.FakeBackend;
import io.appspark.autoscaler.demand.AllocationGauges;
import io.appspark.autoscaler.demand.DemandReader;
import io.appspark.autoscaler.demand.DriverAnnouncement;
import io.appspark.autoscaler.demand.DriverRegistry;
import io.appspark.autoscaler.policy.PolicyConfig;
import io.appspark.autoscaler.policy.ScalingPolicy;
import io.appspark.launcher.spark.MasterState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

class ScalingLoopTest {
  final PolicyConfig config =
      new PolicyConfig(0, 8, 1, 8, Duration.ofSeconds(30), Duration.ofSeconds(60));

  ScalingLoop loopOver(FakeBackend backend, int targetExecutors) {
    return loopOver(backend, () -> targetExecutors, Duration.ofMillis(10));
  }

  ScalingLoop loopOver(FakeBackend backend, IntSupplier targetExecutors, Duration interval) {
    DriverRegistry drivers = new DriverRegistry(Duration.ofMinutes(1), Clock.systemUTC());
    drivers.announce(
        new DriverAnnouncement("app-1", "etl", "http://127.0.0.1:4040", true, 1, 0, 0));
    DemandReader demand =
        new DemandReader(
            drivers,
            url -> Optional.of(new AllocationGauges(targetExecutors.getAsInt(), 0, 0, 0)),
            1);
    return new ScalingLoop(
        backend,
        demand,
        new ScalingPolicy(config),
        Clock.systemUTC(),
        new AutoscalerMetrics(new SimpleMeterRegistry()),
        interval);
  }

  @Test
  void aPushedRiseInDemandIsDecidedAtOnceNotAtTheNextTick() {
    FakeBackend backend = new FakeBackend();
    backend.addApp(new MasterState.App("app-1", "etl", 0, 1024, "RUNNING", 0));
    AtomicInteger target = new AtomicInteger();
    try (ScalingLoop loop = loopOver(backend, target::get, Duration.ofHours(1))) {
      loop.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> loop.status().ready());
      target.set(3);

      loop.decideNow();

      await().atMost(Duration.ofSeconds(10)).until(() -> backend.counted() == 3);
      assertThat(backend.requests).containsExactly("request 3");
    }
  }

  @Test
  void aRestartedLoopAdoptsTheWorkersAlreadyRequestedAndRequestsNoneTwice() {
    FakeBackend backend = new FakeBackend();
    backend.addApp(new MasterState.App("app-1", "etl", 0, 1024, "RUNNING", 0));
    try (ScalingLoop first = loopOver(backend, 5)) {
      first.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.counted() == 5);
    }
    try (ScalingLoop restarted = loopOver(backend, 5)) {
      restarted.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> restarted.status().ready());
      await()
          .during(Duration.ofMillis(200))
          .atMost(Duration.ofSeconds(5))
          .until(() -> backend.counted() == 5);
      assertThat(restarted.status().lastDecision().reason()).startsWith("steady: 5 worker(s)");
    }
    assertThat(backend.requests).containsExactly("request 5");
  }

  @Test
  void aFailingBackendMakesItUnreadyWithTheReason() {
    FakeBackend broken =
        new FakeBackend() {
          @Override
          public synchronized io.appspark.autoscaler.backend.Observation observe() {
            throw new io.appspark.autoscaler.backend.BackendUnavailableException(
                "the master does not answer", null);
          }
        };
    try (ScalingLoop loop = loopOver(broken, 1)) {
      loop.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> loop.status().error() != null);
      assertThat(loop.status().ready()).isFalse();
      assertThat(loop.status().error()).isEqualTo("the master does not answer");
    }
  }
}
