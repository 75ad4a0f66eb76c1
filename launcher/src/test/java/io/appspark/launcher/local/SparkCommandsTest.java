package io.appspark.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.launcher.secrets.SecretResolver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkCommandsTest {
  private final Installation installation =
      Installation.inSourceTree(Path.of("/opt/appspark"), Path.of("/usr/lib/jvm/17"));
  private final ClusterLayout layout = new ClusterLayout(Path.of("/state/clusters/shop"));
  private final SparkCommands commands =
      new SparkCommands(
          installation, layout, "shop", 4242, new ClassDataArchives(Path.of("/cache/cds")));

  @Test
  void theMasterListensOnTheGivenLoopbackPortsWithTheClustersConf() {
    JvmCommand master = commands.master(7177, 8180);

    assertThat(master.command()).startsWith("/usr/lib/jvm/17/bin/java");
    assertThat(master.command())
        .containsSubsequence(
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            "7177",
            "--webui-port",
            "8180")
        .containsSubsequence("--properties-file", "/state/clusters/shop/conf/spark-defaults.conf");
    assertThat(master.logFile()).isEqualTo(Path.of("/state/clusters/shop/logs/master.log"));
  }

  @Test
  void everyDaemonWatchesTheSupervisorAndIsMarkedWithItsCluster() {
    for (JvmCommand cmd :
        List.of(commands.master(1, 2), commands.worker(1, 3, "spark://127.0.0.1:1", 1, "1024m"))) {
      assertThat(cmd.command())
          .containsSubsequence("io.appspark.parentwatch.WatchParent", "4242")
          .contains("-Dappspark.cluster=shop")
          .contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    }
  }

  @Test
  void aWorkerOffersItsCoresAndMemoryToTheMasterAndLaunchesExecutorsFromSparkHome() {
    JvmCommand worker = commands.worker(3, 40000, "spark://127.0.0.1:7177", 2, "2048m");

    assertThat(worker.command())
        .containsSubsequence(
            "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port", "40000")
        .containsSubsequence("--cores", "2", "--memory", "2048m")
        .containsSubsequence("--work-dir", "/state/clusters/shop/work/worker-3")
        .endsWith("spark://127.0.0.1:7177");
    assertThat(worker.environment())
        .containsEntry("SPARK_HOME", "/opt/appspark/spark-dist/target/spark-home")
        .containsEntry("SPARK_SCALA_VERSION", "2.13")
        .containsEntry("JAVA_HOME", "/usr/lib/jvm/17");
    assertThat(worker.workingDirectory()).isEqualTo(Path.of("/state/clusters/shop/work/worker-3"));
  }

  @Test
  void aDaemonRecordsAClassDataArchiveUntilOneExists() {
    assertThat(commands.master(1, 2).command())
        .anySatisfy(
            option -> assertThat(option).startsWith("-XX:ArchiveClassesAtExit=/cache/cds/master-"));
  }

  @Test
  void daemonClassPathsAreTheSparkJarsAloneSoOneArchiveServesEveryCluster() {
    assertThat(commands.worker(1, 3, "spark://x:1", 1, "1g").command())
        .containsSubsequence(
            "-cp",
            "/opt/appspark/parent-watch/target/appspark-parent-watch.jar:/opt/appspark/spark-dist/target/spark-home/jars/*")
        .contains("-Dlog4j2.configurationFile=/state/clusters/shop/conf/log4j2.properties");
  }

  @Test
  void aDriverGoesThroughSparkSubmitInClientModeWithTheDriverConf() {
    JvmCommand driver =
        commands.driver(
            "com.shop.Report",
            Path.of("/apps/report.jar"),
            List.of("2026"),
            "spark://127.0.0.1:7177",
            Map.of("spark.executor.cores", "1"),
            "2g",
            Path.of("/tmp/d.log"));

    assertThat(driver.command())
        .contains("-Xmx2g")
        .containsSubsequence(
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            "spark://127.0.0.1:7177",
            "--deploy-mode",
            "client",
            "--class",
            "com.shop.Report")
        .containsSubsequence("--conf", "spark.executor.cores=1", "/apps/report.jar", "2026");
  }

  @Test
  void theConnectServerIsADriverOnTheClusterWithTheDriverConf() {
    JvmCommand connect =
        commands.connectServer(
            15123,
            "spark://127.0.0.1:7177",
            plain(Map.of("spark.dynamicAllocation.enabled", "true")));

    assertThat(connect.command())
        .containsSubsequence("io.appspark.parentwatch.WatchParent", "4242")
        .contains("-Dappspark.cluster=shop")
        .containsSubsequence(
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            "spark://127.0.0.1:7177",
            "--deploy-mode",
            "client",
            "--class",
            "org.apache.spark.sql.connect.service.SparkConnectServer",
            "--name",
            "Spark Connect server")
        .containsSubsequence("--conf", "spark.dynamicAllocation.enabled=true")
        .endsWith("spark-internal");
    assertThat(connect.environment()).containsEntry("SPARK_SCALA_VERSION", "2.13");
    assertThat(connect.logFile()).isEqualTo(Path.of("/state/clusters/shop/logs/connect.log"));
  }

  @Test
  void theConnectServerServesGrpcOnTheGivenLoopbackPortOnly() {
    JvmCommand connect = commands.connectServer(15123, "spark://127.0.0.1:7177", plain(Map.of()));

    assertThat(connect.command())
        .containsSubsequence("--conf", "spark.connect.grpc.binding.address=127.0.0.1")
        .containsSubsequence("--conf", "spark.connect.grpc.binding.port=15123")
        .containsSubsequence("--conf", "spark.connect.grpc.port.maxRetries=0");
  }

  @Test
  void theConnectServerGivesIdleExecutorsBackEvenWithShuffleDataUnlessTheSpecSaysOtherwise() {
    JvmCommand defaults = commands.connectServer(1, "spark://x:1", plain(Map.of()));
    JvmCommand chosen =
        commands.connectServer(
            1,
            "spark://x:1",
            plain(Map.of("spark.dynamicAllocation.shuffleTracking.timeout", "10m")));

    assertThat(defaults.command())
        .containsSubsequence("--conf", "spark.dynamicAllocation.shuffleTracking.timeout=60s");
    assertThat(chosen.command())
        .containsSubsequence(
            "spark.dynamicAllocation.shuffleTracking.timeout=60s",
            "spark.dynamicAllocation.shuffleTracking.timeout=10m");
  }

  @Test
  void daemonsRunOnTheQuickCompilerOnlyAndDriversDoNot() {
    assertThat(commands.worker(1, 7078, "spark://127.0.0.1:7177", 1, "1g").command())
        .contains("-XX:TieredStopAtLevel=1");
    assertThat(commands.master(7177, 8180).command()).contains("-XX:TieredStopAtLevel=1");
    assertThat(commands.connectServer(1, "spark://x:1", plain(Map.of())).command())
        .doesNotContain("-XX:TieredStopAtLevel=1");
  }

  @Test
  void aConnectServerWithSecretSettingsReadsThemFromItsInputAndRedactsThem() {
    JvmCommand connect =
        commands.connectServer(
            1,
            "spark://x:1",
            new SecretResolver.Resolved(
                Map.of(
                    "spark.sql.shuffle.partitions", "8",
                    "spark.hadoop.fs.s3a.endpoint.key", "k3y-value"),
                new java.util.TreeSet<>(java.util.Set.of("spark.hadoop.fs.s3a.endpoint.key"))));

    assertThat(connect.command())
        .containsSubsequence(
            "io.appspark.parentwatch.StdinSystemProperties", "org.apache.spark.deploy.SparkSubmit")
        .containsSubsequence("--conf", "spark.sql.shuffle.partitions=8")
        .noneMatch(arg -> arg.contains("k3y-value"))
        .anyMatch(
            arg ->
                arg.startsWith("spark.redaction.regex=")
                    && arg.contains("\\Qspark.hadoop.fs.s3a.endpoint.key\\E"));
  }

  @Test
  void aConnectServerWithoutSecretSettingsReadsNothingFromItsInput() {
    assertThat(commands.connectServer(1, "spark://x:1", plain(Map.of())).command())
        .doesNotContain("io.appspark.parentwatch.StdinSystemProperties")
        .noneMatch(arg -> arg.startsWith("spark.redaction.regex="));
  }

  /** Driver settings none of which held a secret reference. */
  private static SecretResolver.Resolved plain(Map<String, String> settings) {
    return new SecretResolver.Resolved(settings, new java.util.TreeSet<>());
  }

  private final SparkCommands authenticated =
      new SparkCommands(
          installation,
          layout,
          "shop",
          4242,
          new ClassDataArchives(Path.of("/cache/cds")),
          java.util.Optional.of(new AuthSecret("s3cr3t-value")));

  @Test
  void daemonsGetTheClustersSecretInTheirEnvironmentNeverOnTheirCommandLine() {
    for (JvmCommand daemon :
        List.of(
            authenticated.master(1, 2),
            authenticated.worker(1, 3, "spark://127.0.0.1:1", 1, "1024m"))) {
      assertThat(daemon.environment()).containsEntry("_SPARK_AUTH_SECRET", "s3cr3t-value");
      assertThat(String.join(" ", daemon.command())).doesNotContain("s3cr3t-value");
      assertThat(daemon.toString()).contains("_SPARK_AUTH_SECRET").doesNotContain("s3cr3t-value");
    }
  }

  @Test
  void driversReadTheSecretFromTheClustersSecretFileAndStillReadTheDefaults() {
    for (JvmCommand driver :
        List.of(
            authenticated.connectServer(1, "spark://x:1", plain(Map.of())),
            authenticated.driver(
                "Main",
                Path.of("/app.jar"),
                List.of(),
                "spark://x:1",
                Map.of(),
                "1g",
                Path.of("/d.log")))) {
      assertThat(driver.command())
          .containsSubsequence(
              "org.apache.spark.deploy.SparkSubmit",
              "--properties-file",
              "/state/clusters/shop/spark-auth.conf",
              "--load-spark-defaults");
      assertThat(String.join(" ", driver.command())).doesNotContain("s3cr3t-value");
      assertThat(driver.environment()).doesNotContainKey("_SPARK_AUTH_SECRET");
    }
  }

  @Test
  void aClusterWithoutSecretPassesNone() {
    assertThat(commands.master(1, 2).environment()).doesNotContainKey("_SPARK_AUTH_SECRET");
    assertThat(commands.connectServer(1, "spark://x:1", plain(Map.of())).command())
        .doesNotContain("--properties-file");
  }
}
