package io.appspark.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.autoscaler.policy.AppDemand.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScalingPolicyTest {
  static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  static final PolicyConfig CONFIG =
      new PolicyConfig(1, 6, 1, 3, Duration.ofSeconds(30), Duration.ofSeconds(60));
  static final ScalingPolicy POLICY = new ScalingPolicy(CONFIG);

  /**
   * A cluster written as letters: B busy, I idle long enough, i idle not long enough, P pending, R
   * retiring.
   */
  static ObservedCluster cluster(String workers) {
    List<WorkerView> list = new ArrayList<>();
    for (int i = 0; i < workers.length(); i++) {
      String id = "worker-" + (i + 1);
      list.add(
          switch (workers.charAt(i)) {
            case 'B' -> WorkerView.active(id, 1, 1, Duration.ZERO);
            case 'I' -> WorkerView.active(id, 1, 0, Duration.ofSeconds(45));
            case 'i' -> WorkerView.active(id, 1, 0, Duration.ofSeconds(5));
            case 'P' -> WorkerView.pending(id, 1);
            case 'R' -> WorkerView.retiring(id, 1, 0);
            default -> throw new IllegalArgumentException(workers);
          });
    }
    return new ObservedCluster(list);
  }

  static Demand executors(int wanted, int held) {
    return wanted == 0
        ? Demand.NONE
        : new Demand(List.of(new AppDemand("app-1", Source.DYNAMIC_ALLOCATION, wanted, held, 1)));
  }

  static Decision decide(String workers, int wanted, int held, int recentPeak, OptionalInt pin) {
    DemandWindow window = DemandWindow.of(CONFIG.scaleDownCooldown());
    if (recentPeak > 0) {
      window = window.record(NOW.minusSeconds(10), recentPeak);
    }
    Demand demand = executors(wanted, held);
    window = window.record(NOW, POLICY.wantedWorkers(demand));
    return POLICY.decide(cluster(workers), demand, pin, window, NOW);
  }

  static Stream<Arguments> situations() {
    return Stream.of(
        // workers, wanted, held, recent peak, pin, expected decision, expected reason fragment
        Arguments.of(
            "B", 7, 1, 0, -1, "add 3", "add 3: 7 executor(s) wanted (7 cores), 0 core(s) free"),
        Arguments.of("B", 7, 1, 0, -1, "add 3", "step limited to 3"),
        Arguments.of(
            "BB", 3, 2, 0, -1, "add 1", "add 1: 3 executor(s) wanted (3 cores), 0 core(s) free"),
        Arguments.of("BBPP", 4, 2, 0, -1, "hold", "steady: 4 worker(s) for 4 executor(s) wanted"),
        Arguments.of("BBP", 5, 2, 0, -1, "add 2", "1 worker(s) already starting"),
        Arguments.of("BBBBBB", 20, 6, 0, -1, "hold", "steady: 6 worker(s)"),
        Arguments.of("BBBBB", 20, 5, 0, -1, "add 1", "workers.max 6"),
        Arguments.of("BII", 1, 1, 0, -1, "retire worker-2, worker-3", "idle for 30s or more"),
        Arguments.of("BIi", 1, 1, 0, -1, "retire worker-2", "retire worker-2:"),
        Arguments.of("Bii", 1, 1, 0, -1, "hold", "none idle for 30s yet"),
        Arguments.of("BBB", 0, 0, 0, -1, "hold", "hold: 2 worker(s) more than 1 worker(s) wanted"),
        Arguments.of("BII", 1, 1, 3, -1, "hold", "kept for the peak demand of the last 60s"),
        Arguments.of("I", 0, 0, 0, -1, "hold", "steady: 1 worker(s)"),
        Arguments.of(
            "IIII", 0, 0, 0, -1, "retire worker-1, worker-2, worker-3", "idle for 30s or more"),
        Arguments.of("BIR", 1, 1, 0, -1, "retire worker-2", "retire worker-2:"),
        Arguments.of("B", 1, 1, 0, 3, "add 2", "add 2: pinned at 3 worker(s)"),
        Arguments.of("BBI", 9, 3, 0, 2, "retire worker-3", "pinned at 2 worker(s)"),
        Arguments.of("BBB", 9, 3, 0, 2, "hold", "none idle"),
        Arguments.of("B", 1, 1, 0, 9, "add 3", "pinned at 6 worker(s)"));
  }

  @ParameterizedTest(name = "{0} wanting {1} (peak {3}, pin {4}) -> {5}")
  @MethodSource("situations")
  void decides(
      String workers, int wanted, int held, int peak, int pin, String action, String reason) {
    Decision decision =
        decide(workers, wanted, held, peak, pin < 0 ? OptionalInt.empty() : OptionalInt.of(pin));

    assertThat(summary(decision)).isEqualTo(action);
    assertThat(decision.reason()).contains(reason);
  }

  @Test
  void givenTwoIdleWorkersAndOneBusyWhenDemandDropsTheBusyWorkerStays() {
    ObservedCluster workers =
        new ObservedCluster(
            List.of(
                WorkerView.active("worker-1", 1, 0, Duration.ofMinutes(5)),
                WorkerView.active("worker-2", 1, 1, Duration.ZERO),
                WorkerView.active("worker-3", 1, 0, Duration.ofMinutes(1))));
    PolicyConfig zeroMin = new PolicyConfig(0, 6, 1, 6, Duration.ofSeconds(30), Duration.ZERO);
    ScalingPolicy policy = new ScalingPolicy(zeroMin);

    Decision decision =
        policy.decide(
            workers,
            Demand.NONE,
            OptionalInt.empty(),
            DemandWindow.of(Duration.ZERO).record(NOW, 0),
            NOW);

    assertThat(decision).isInstanceOf(Decision.Retire.class);
    assertThat(((Decision.Retire) decision).workerIds()).containsExactly("worker-1", "worker-3");
  }

  @Test
  void staticAppsCountTheirCoresAndExecutorsOfSeveralCoresFillWholeWorkers() {
    PolicyConfig twoCores = new PolicyConfig(0, 8, 2, 8, Duration.ofSeconds(30), Duration.ZERO);
    Demand demand =
        new Demand(
            List.of(
                new AppDemand("a", Source.DYNAMIC_ALLOCATION, 3, 1, 2),
                new AppDemand("b", Source.STATIC, 1, 0, 1)));

    assertThat(new ScalingPolicy(twoCores).wantedWorkers(demand)).isEqualTo(4);
  }

  static String summary(Decision decision) {
    if (decision instanceof Decision.Add add) {
      return "add " + add.count();
    }
    if (decision instanceof Decision.Retire retire) {
      return "retire " + String.join(", ", retire.workerIds());
    }
    return "hold";
  }
}
