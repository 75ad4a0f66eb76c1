package io.appspark.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.launcher.spec.ClusterSpec;
import io.appspark.launcher.spec.SpecOverrides;
import io.appspark.launcher.spec.SpecReader;
import java.util.List;
import java.util.regex.Pattern;
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
  void daemonsAndDriversAuthenticateAndEncryptRpcButTheirSettingsHoldNoSecret() {
    for (var conf : List.of(SparkConfModel.daemonConf(spec), SparkConfModel.driverConf(spec))) {
      assertThat(conf)
          .containsEntry("spark.authenticate", "true")
          .containsEntry("spark.network.crypto.enabled", "true")
          .doesNotContainKey("spark.authenticate.secret");
    }
  }

  @Test
  void theMasterOffersNoRestSubmissionThatWouldBypassTheSecret() {
    assertThat(SparkConfModel.daemonConf(spec)).containsEntry("spark.master.rest.enabled", "false");
  }

  @Test
  void aSpecsRedactionPatternThatWouldShowTheSecretGetsSparksDefaultAdded() {
    ClusterSpec narrow =
        SpecReader.read(
            "sparkConf: {spark.redaction.regex: \"(?i)password\"}\n", "t", SpecOverrides.none());
    String regex = SparkConfModel.driverConf(narrow).get("spark.redaction.regex");

    assertThat(Pattern.compile(regex).matcher("spark.authenticate.secret").find()).isTrue();
    assertThat(Pattern.compile(regex).matcher("spark.my.PASSWORD").find()).isTrue();
    assertThat(Pattern.compile(regex).matcher("spark.executor.memory").find()).isFalse();
  }

  @Test
  void aSpecsRedactionPatternThatCoversTheSecretStaysAsItIs() {
    ClusterSpec wide =
        SpecReader.read(
            "sparkConf: {spark.redaction.regex: \"(?i)secret|pwd\"}\n", "t", SpecOverrides.none());

    assertThat(SparkConfModel.daemonConf(wide))
        .containsEntry("spark.redaction.regex", "(?i)secret|pwd");
    assertThat(SparkConfModel.driverConf(spec)).doesNotContainKey("spark.redaction.regex");
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
