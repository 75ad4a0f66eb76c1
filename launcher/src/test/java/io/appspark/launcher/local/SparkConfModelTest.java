package io.appspark.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.launcher.spec.ClusterSpec;
import io.appspark.launcher.spec.SpecOverrides;
import io.appspark.launcher.spec.SpecReader;
import org.junit.jupiter.api.Test;

class SparkConfModelTest {
  private final ClusterSpec spec =
      SpecReader.read(
          "workers: {cores: 2, memory: 3g, max: 5}\nsparkConf: {spark.dynamicAllocation.executorIdleTimeout: 5s}\n",
          "t",
          SpecOverrides.none());

  @Test
  void oneExecutorFillsOneWorker() {
    var conf = SparkConfModel.driverConf(spec);

    assertThat(conf)
        .containsEntry("spark.executor.cores", "2")
        .containsEntry("spark.executor.memory", "3072m");
  }

  @Test
  void driversDecommissionGracefullyAndPublishDemand() {
    var conf = SparkConfModel.driverConf(spec);

    assertThat(conf)
        .containsEntry("spark.decommission.enabled", "true")
        .containsEntry("spark.storage.decommission.shuffleBlocks.enabled", "true")
        .containsEntry("spark.storage.decommission.rddBlocks.enabled", "true")
        .containsEntry("spark.dynamicAllocation.enabled", "true");
  }

  @Test
  void theSpecsSparkConfWins() {
    assertThat(SparkConfModel.driverConf(spec))
        .containsEntry("spark.dynamicAllocation.executorIdleTimeout", "5s");
    assertThat(SparkConfModel.daemonConf(spec))
        .containsEntry("spark.dynamicAllocation.executorIdleTimeout", "5s");
  }

  @Test
  void workersDecommissionOnSignal() {
    assertThat(SparkConfModel.daemonConf(spec)).containsEntry("spark.decommission.enabled", "true");
  }

  @Test
  void secretReferencesGoToDriversOnlyWithTheirKeysRedacted() {
    ClusterSpec withSecret =
        SpecReader.read("sparkConf: {spark.app.dbUrl: 'env:DB_URL'}\n", "t", SpecOverrides.none());

    assertThat(SparkConfModel.daemonConf(withSecret)).doesNotContainKey("spark.app.dbUrl");
    assertThat(SparkConfModel.driverConf(withSecret))
        .containsEntry("spark.app.dbUrl", "env:DB_URL")
        .containsKey("spark.redaction.regex");
  }
}
