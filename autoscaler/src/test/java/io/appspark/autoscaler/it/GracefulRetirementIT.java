package io.appspark.autoscaler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.appspark.autoscaler.backend.LocalWorkerBackend;
import io.appspark.autoscaler.policy.WorkerView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker retired through the backend while a shuffle-heavy job reads its shuffle output costs no
 * failed task and no recomputed stage: Spark decommissions its executor, which finishes its running
 * task and migrates its shuffle blocks before it goes.
 */
class GracefulRetirementIT {
  @TempDir Path dir;

  @Test
  void retiringABusyWorkerMidShuffleRecomputesNothing() throws Exception {
    try (LocalTestCluster c = LocalTestCluster.start(dir, "it-retire", 0, 3, 3)) {
      LocalWorkerBackend backend = new LocalWorkerBackend(c.spec.name(), c.layout, 1);
      Path report = dir.resolve("shuffle.json");
      Path progress = Path.of(report + ".progress");

      Process driver =
          c.startDriver(
              report,
              "shuffle=true",
              "tasks=9",
              "taskMillis=3000",
              "records=30000",
              "spark.dynamicAllocation.enabled=false",
              "spark.cores.max=3");
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> Files.exists(progress) && Files.readString(progress).contains("parents=1"));
      List<String> busy =
          backend.observe().workers().stream()
              .filter(WorkerView::busy)
              .map(WorkerView::id)
              .toList();
      assertThat(busy).as("workers running the reduce stage").isNotEmpty();
      backend.retire(List.of(busy.get(0)));

      assertThat(driver.waitFor(6, TimeUnit.MINUTES)).isTrue();
      assertThat(driver.exitValue()).as(c.logTail("driver-shuffle.json.log")).isZero();
      JobReport job = JobReport.read(report);
      assertThat(job.result()).isEqualTo(30000);
      assertThat(job.failedTasks()).as("failed tasks").isZero();
      assertThat(job.retriedStages()).as("stages run again").isZero();
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> c.state().workers().stream().noneMatch(w -> w.id().equals(busy.get(0))));
    }
  }
}
