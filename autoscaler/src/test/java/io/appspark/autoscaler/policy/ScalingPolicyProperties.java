package io.appspark.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.autoscaler.policy.AppDemand.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ScalingPolicyProperties {
  static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  @Provide
  Arbitrary<PolicyConfig> configs() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 8),
            Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(1, 5),
            Arbitraries.integers().between(0, 60),
            Arbitraries.integers().between(0, 120))
        .as((min, extra, cores, step, idle, cooldown) ->
            new PolicyConfig(min, Math.max(1, min + extra), cores, step, Duration.ofSeconds(idle), Duration.ofSeconds(cooldown)));
  }

  @Provide
  Arbitrary<WorkerView> workers() {
    Arbitrary<WorkerView.Phase> phases = Arbitraries.of(WorkerView.Phase.class);
    return Combinators.combine(Arbitraries.integers().between(1, 999), phases, Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 300))
        .as((n, phase, used, idle) -> new WorkerView("worker-" + n, phase, 2, phase == WorkerView.Phase.PENDING ? 0 : used, used > 0 ? Duration.ZERO : Duration.ofSeconds(idle)));
  }

  @Property
  void aDecisionKeepsTheClusterWithinMinAndMaxAndRetiresOnlyIdleWorkers(
      @ForAll("configs") PolicyConfig config,
      @ForAll @Size(max = 12) List<@From("workers") WorkerView> workers,
      @ForAll @IntRange(max = 40) int wantedExecutors,
      @ForAll @IntRange(max = 40) int recentPeak,
      @ForAll @IntRange(min = -1, max = 12) int pin) {
    ObservedCluster cluster = new ObservedCluster(unique(workers));
    ScalingPolicy policy = new ScalingPolicy(config);
    Demand demand = new Demand(List.of(new AppDemand("app", Source.DYNAMIC_ALLOCATION, wantedExecutors, 0, 1)));
    DemandWindow window = DemandWindow.of(config.scaleDownCooldown()).record(START.minusSeconds(1), recentPeak).record(START, policy.wantedWorkers(demand));
    OptionalInt pinned = pin < 0 ? OptionalInt.empty() : OptionalInt.of(pin);

    Decision decision = policy.decide(cluster, demand, pinned, window, START);

    int counted = cluster.counted();
    if (decision instanceof Decision.Add add) {
      assertThat(counted + add.count()).isLessThanOrEqualTo(config.maxWorkers());
      assertThat(add.count()).isLessThanOrEqualTo(config.maxStep());
      int asked = pinned.isPresent() ? config.clamp(pin) : policy.wantedWorkers(demand);
      assertThat(counted + add.count()).as("pending workers are counted").isLessThanOrEqualTo(asked);
    }
    if (decision instanceof Decision.Retire retire) {
      assertThat(counted - retire.workerIds().size()).isGreaterThanOrEqualTo(config.minWorkers());
      assertThat(retire.workerIds().size()).isLessThanOrEqualTo(config.maxStep());
      for (String id : retire.workerIds()) {
        WorkerView w = cluster.workers().stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow();
        assertThat(w.phase()).isEqualTo(WorkerView.Phase.ACTIVE);
        assertThat(w.busy()).as("a busy worker is never retired").isFalse();
        assertThat(w.idleFor()).isGreaterThanOrEqualTo(config.idleTimeout());
      }
    }
    assertThat(decision.reason()).isNotBlank();
  }

  @Property
  void overTimeTheClusterStaysWithinMinAndMax(
      @ForAll("configs") PolicyConfig config,
      @ForAll @Size(min = 1, max = 60) List<@IntRange(max = 30) Integer> demandPerStep,
      @ForAll @IntRange(min = 1, max = 5) int registerSeconds) {
    ScalingPolicy policy = new ScalingPolicy(config);
    SimulatedCluster sim = new SimulatedCluster(config.coresPerWorker(), Duration.ofSeconds(registerSeconds), config.minWorkers(), START);
    DemandWindow window = DemandWindow.of(config.scaleDownCooldown());
    Instant now = START;
    for (int cores : demandPerStep) {
      for (int tick = 0; tick < 5; tick++, now = now.plusSeconds(2)) {
        Demand demand = coresWanted(cores);
        window = window.record(now, policy.wantedWorkers(demand));
        Decision decision = policy.decide(sim.observe(now), demand, OptionalInt.empty(), window, now);
        sim.apply(decision, policy.wantedWorkers(demand), now);
        assertThat(sim.size()).isBetween(config.minWorkers(), config.maxWorkers());
      }
    }
  }

  @Property
  void oscillatingDemandFasterThanTheCooldownRetiresNothing(
      @ForAll @IntRange(min = 0, max = 3) int low,
      @ForAll @IntRange(min = 1, max = 5) int rise,
      @ForAll @IntRange(min = 2, max = 29) int halfPeriodSeconds,
      @ForAll @IntRange(min = 0, max = 20) int idleSeconds) {
    PolicyConfig config = new PolicyConfig(0, 10, 1, 10, Duration.ofSeconds(idleSeconds), Duration.ofSeconds(60));
    ScalingPolicy policy = new ScalingPolicy(config);
    SimulatedCluster sim = new SimulatedCluster(1, Duration.ofSeconds(1), low, START);
    DemandWindow window = DemandWindow.of(config.scaleDownCooldown());
    List<String> changes = new ArrayList<>();
    for (int second = 0; second < 600; second++) {
      Instant now = START.plusSeconds(second);
      boolean high = (second / halfPeriodSeconds) % 2 == 1;
      Demand demand = coresWanted(high ? low + rise : low);
      window = window.record(now, policy.wantedWorkers(demand));
      Decision decision = policy.decide(sim.observe(now), demand, OptionalInt.empty(), window, now);
      if (!(decision instanceof Decision.Hold)) {
        changes.add(second + "s: " + decision.reason());
      }
      sim.apply(decision, policy.wantedWorkers(demand), now);
    }
    assertThat(changes).as("one scale-up, then no flapping").hasSize(1);
    assertThat(changes.get(0)).startsWith(changes.get(0).split(":")[0] + ": add " + rise);
  }

  private static Demand coresWanted(int cores) {
    return cores == 0 ? Demand.NONE : new Demand(List.of(new AppDemand("app", Source.DYNAMIC_ALLOCATION, cores, 0, 1)));
  }

  private static List<WorkerView> unique(List<WorkerView> workers) {
    return workers.stream().collect(java.util.stream.Collectors.toMap(WorkerView::id, w -> w, (a, b) -> a, java.util.LinkedHashMap::new)).values().stream().toList();
  }
}
