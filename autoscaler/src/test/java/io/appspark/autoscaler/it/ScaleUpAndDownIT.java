package io.appspark.autoscaler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.appspark.autoscaler.Autoscaler;
import io.appspark.autoscaler.loop.DecisionRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a cluster of one worker and a driver with dynamic allocation and more tasks than one worker
 * runs, the autoscaler adds workers, the job's result is right, and once the job is done the idle
 * workers are retired back to the minimum.
 */
class ScaleUpAndDownIT {
  @TempDir Path dir;

  @Test
  void aBacklogAddsWorkersAndIdleWorkersAreRetiredAfterward() throws Exception {
    try (LocalTestCluster c = LocalTestCluster.start(dir, "it-updown", 1, 4, 1)) {
      Autoscaler autoscaler = c.startAutoscalerHere(Duration.ofSeconds(3), Duration.ofSeconds(5));
      AtomicInteger most = new AtomicInteger();
      Path report = dir.resolve("updown.json");

      Process driver =
          c.startDriver(
              report,
              "tasks=12",
              "taskMillis=2500",
              "spark.dynamicAllocation.executorIdleTimeout=2s");
      while (!driver.waitFor(200, TimeUnit.MILLISECONDS)) {
        most.accumulateAndGet(c.countedWorkers(), Math::max);
      }

      assertThat(driver.exitValue()).as(c.logTail("driver-updown.json.log")).isZero();
      JobReport job = JobReport.read(report);
      assertThat(job.result()).isEqualTo(job.expected());
      assertThat(most.get()).as("workers at the busiest").isGreaterThanOrEqualTo(3);
      assertThat(autoscaler.loop().status().decisions())
          .extracting(DecisionRecord::action)
          .contains("add");

      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> c.countedWorkers() == 1 && c.state().workers().size() == 1);
      assertThat(autoscaler.loop().status().decisions())
          .filteredOn(d -> d.action().equals("retire"))
          .allSatisfy(d -> assertThat(d.reason()).contains("idle for 3s or more"))
          .isNotEmpty();
    }
  }
}
