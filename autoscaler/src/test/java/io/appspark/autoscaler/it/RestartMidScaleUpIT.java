package io.appspark.autoscaler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The autoscaler, running as the supervisor runs it (a child process, started again when it exits),
 * killed with SIGKILL in the middle of a scale-up: the new one adopts the workers already
 * requested, and the cluster converges to what the driver wants with no duplicate worker.
 */
class RestartMidScaleUpIT {
  @TempDir Path dir;

  @Test
  void aKilledAutoscalerRestartsAndConvergesWithoutDuplicates() throws Exception {
    try (LocalTestCluster c = LocalTestCluster.start(dir, "it-restart", 1, 6, 1)) {
      c.startAutoscalerAsChild();
      AtomicInteger most = new AtomicInteger();
      ProcessHandle first =
          await()
              .atMost(Duration.ofMinutes(1))
              .until(() -> autoscalerProcess().orElse(null), p -> p != null);

      c.startDriver(dir.resolve("long.json"), "tasks=4", "taskMillis=600000");
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> c.state().targetWorkers() > 1);
      first.destroyForcibly();
      assertThat(first.onExit().get().isAlive()).isFalse();
      ProcessHandle second =
          await()
              .atMost(Duration.ofMinutes(1))
              .until(
                  () -> autoscalerProcess().orElse(null), p -> p != null && p.pid() != first.pid());

      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                most.accumulateAndGet(c.countedWorkers(), Math::max);
                return c.registeredWorkers() == 4;
              });
      await()
          .during(Duration.ofSeconds(10))
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                most.accumulateAndGet(c.countedWorkers(), Math::max);
                return c.countedWorkers() == 4;
              });

      assertThat(most.get())
          .as("most workers at any time: 4 executors wanted, none duplicated")
          .isEqualTo(4);
      assertThat(c.registeredWorkers()).isEqualTo(4);
      assertThat(second.isAlive()).isTrue();
    }
  }

  private static Optional<ProcessHandle> autoscalerProcess() {
    return ProcessHandle.current()
        .children()
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(a -> Arrays.asList(a).contains("io.appspark.autoscaler.Main"))
                    .orElse(false))
        .filter(ProcessHandle::isAlive)
        .findFirst();
  }
}
