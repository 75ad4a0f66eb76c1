package io.appspark.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.launcher.spec.ClusterSpec;
import io.appspark.launcher.spec.WorkerPool;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AutoscalerProcessTest {
  final Installation installation =
      Installation.inSourceTree(Path.of("/opt/appspark"), Path.of("/jdk"));
  final ClusterSpec spec = new ClusterSpec("sales", new WorkerPool(1, 6, 2, 2, 1024), Map.of());

  @Test
  void theAutoscalerDiesWithTheSupervisorAndIsConfiguredFromTheSpec() {
    JvmCommand command =
        AutoscalerProcess.command(
            installation, new ClusterLayout(Path.of("/state/sales")), spec, 7070, 42);

    assertThat(command.command())
        .containsSubsequence(
            "io.appspark.parentwatch.WatchParent", "42", "io.appspark.autoscaler.Main")
        .contains(
            "/opt/appspark/parent-watch/target/appspark-parent-watch.jar"
                + ":/opt/appspark/autoscaler/target/appspark-autoscaler.jar"
                + ":/opt/appspark/autoscaler/target/lib/*");
    assertThat(command.environment())
        .containsEntry("APPSPARK_AUTOSCALER_CLUSTER_DIR", "/state/sales")
        .containsEntry("APPSPARK_AUTOSCALER_PORT", "7070")
        .containsEntry("APPSPARK_AUTOSCALER_MIN_WORKERS", "1")
        .containsEntry("APPSPARK_AUTOSCALER_MAX_WORKERS", "6")
        .containsEntry("APPSPARK_AUTOSCALER_CORES_PER_WORKER", "2")
        .containsEntry("APPSPARK_AUTOSCALER_IDLE_TIMEOUT", "60000ms");
    assertThat(command.logFile()).isEqualTo(Path.of("/state/sales/logs/autoscaler.log"));
  }

  @Test
  void driversAnnounceThemselvesOnlyWhenAnAutoscalerRuns() {
    assertThat(SparkConfModel.driverConf(spec, Optional.of("http://127.0.0.1:7070")))
        .containsEntry("spark.plugins", "io.appspark.sparkplugin.AutoscalerPlugin")
        .containsEntry("spark.appspark.autoscaler.url", "http://127.0.0.1:7070")
        .containsEntry("spark.dynamicAllocation.shuffleTracking.enabled", "false");
    assertThat(SparkConfModel.driverConf(spec))
        .doesNotContainKeys("spark.plugins", "spark.appspark.autoscaler.url");
  }
}
