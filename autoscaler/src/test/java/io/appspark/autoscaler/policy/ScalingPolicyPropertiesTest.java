package io.appspark.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.autoscaler.policy.AppDemand.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Invariants of the policy, each checked on many generated cases (see {@link PolicyGenerators}).
 */
class ScalingPolicyPropertiesTest {
  static final int CASES = 1000;
  static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void aDecisionKeepsTheClusterWithinMinAndMaxRetiresOnlyIdleWorkersAndCountsPendingOnes() {
    for (long seed = 0; seed < CASES; seed++) {
      PolicyGenerators gen = new PolicyGenerators(seed);
      PolicyConfig config = gen.config();
      ObservedCluster cluster = new ObservedCluster(gen.workers());
      ScalingPolicy policy = new ScalingPolicy(config);
      Demand demand = coresWanted(gen.between(0, 40));
      DemandWindow window =
          DemandWindow.of(config.scaleDownCooldown())
              .record(START.minusSeconds(1), gen.between(0, 40))
              .record(START, policy.wantedWorkers(demand));
      int pinValue = gen.between(-1, 12);
      OptionalInt pin = pinValue < 0 ? OptionalInt.empty() : OptionalInt.of(pinValue);
      String what =
          "seed " + seed + ": " + config + ", " + cluster + ", " + demand + ", pin " + pin;

      Decision decision = policy.decide(cluster, demand, pin, window, START);

      int counted = cluster.counted();
      if (decision instanceof Decision.Add add) {
        assertThat(counted + add.count()).as(what).isLessThanOrEqualTo(config.maxWorkers());
        assertThat(add.count()).as(what).isLessThanOrEqualTo(config.maxStep());
        int asked = pin.isPresent() ? config.clamp(pinValue) : policy.wantedWorkers(demand);
        assertThat(counted + add.count())
            .as("pending workers are counted; " + what)
            .isLessThanOrEqualTo(asked);
      }
      if (decision instanceof Decision.Retire retire) {
        assertThat(counted - retire.workerIds().size())
            .as(what)
            .isGreaterThanOrEqualTo(config.minWorkers());
        assertThat(retire.workerIds().size()).as(what).isLessThanOrEqualTo(config.maxStep());
        for (String id : retire.workerIds()) {
          WorkerView w =
              cluster.workers().stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow();
          assertThat(w.phase()).as(what).isEqualTo(WorkerView.Phase.ACTIVE);
          assertThat(w.busy()).as("a busy worker is never retired; " + what).isFalse();
          assertThat(w.idleFor()).as(what).isGreaterThanOrEqualTo(config.idleTimeout());
        }
      }
      assertThat(decision.reason()).as(what).isNotBlank();
    }
  }

  @Test
  void overTimeTheClusterStaysWithinMinAndMax() {
    for (long seed = 0; seed < CASES / 4; seed++) {
      PolicyGenerators gen = new PolicyGenerators(seed);
      PolicyConfig config = gen.config();
      ScalingPolicy policy = new ScalingPolicy(config);
      SimulatedCluster sim =
          new SimulatedCluster(
              config.coresPerWorker(),
              Duration.ofSeconds(gen.between(1, 5)),
              config.minWorkers(),
              START);
      DemandWindow window = DemandWindow.of(config.scaleDownCooldown());
      Instant now = START;
      for (int cores : gen.demandSeries(gen.between(1, 60), 30)) {
        for (int tick = 0; tick < 5; tick++, now = now.plusSeconds(2)) {
          Demand demand = coresWanted(cores);
          window = window.record(now, policy.wantedWorkers(demand));
          Decision decision =
              policy.decide(sim.observe(now), demand, OptionalInt.empty(), window, now);
          sim.apply(decision, policy.wantedWorkers(demand), now);
          assertThat(sim.size())
              .as("seed " + seed + " at " + now)
              .isBetween(config.minWorkers(), config.maxWorkers());
        }
      }
    }
  }

  @Test
  void oscillatingDemandFasterThanTheCooldownScalesUpOnceAndThenNeverFlaps() {
    for (long seed = 0; seed < CASES / 4; seed++) {
      PolicyGenerators gen = new PolicyGenerators(seed);
      int low = gen.between(0, 3);
      int rise = gen.between(1, 5);
      int halfPeriod = gen.between(2, 29);
      PolicyConfig config =
          new PolicyConfig(
              0, 10, 1, 10, Duration.ofSeconds(gen.between(0, 20)), Duration.ofSeconds(60));
      ScalingPolicy policy = new ScalingPolicy(config);
      SimulatedCluster sim = new SimulatedCluster(1, Duration.ofSeconds(1), low, START);
      DemandWindow window = DemandWindow.of(config.scaleDownCooldown());
      List<String> changes = new ArrayList<>();
      for (int second = 0; second < 600; second++) {
        Instant now = START.plusSeconds(second);
        Demand demand = coresWanted((second / halfPeriod) % 2 == 1 ? low + rise : low);
        window = window.record(now, policy.wantedWorkers(demand));
        Decision decision =
            policy.decide(sim.observe(now), demand, OptionalInt.empty(), window, now);
        if (!(decision instanceof Decision.Hold)) {
          changes.add(second + "s " + decision.reason());
        }
        sim.apply(decision, policy.wantedWorkers(demand), now);
      }
      String what =
          "seed " + seed + ": low " + low + ", rise " + rise + ", half period " + halfPeriod + "s";
      assertThat(changes).as(what).hasSize(1);
      assertThat(changes.get(0)).as(what).contains("add " + rise + ":");
    }
  }

  private static Demand coresWanted(int cores) {
    return cores == 0
        ? Demand.NONE
        : new Demand(List.of(new AppDemand("app", Source.DYNAMIC_ALLOCATION, cores, 0, 1)));
  }
}
