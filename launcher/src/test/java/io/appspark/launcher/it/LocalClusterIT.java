package io.appspark.launcher.it;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.appspark.launcher.local.ClusterState;
import io.appspark.launcher.spark.MasterClient;
import io.appspark.launcher.spark.MasterState;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local in-app cluster, with real Spark processes, driven through the real CLI. */
class LocalClusterIT {
  @TempDir Path stateDir;
  private Cli cli;
  private final List<String> clusters = new ArrayList<>();

  @BeforeEach
  void setUp() {
    cli = new Cli(stateDir);
  }

  @AfterEach
  void tearDown() {
    for (String name : clusters) {
      cli.run("down", "--name", name);
      cli.killAll(name);
    }
  }

  @Test
  void aJobRunsOnTwoWorkersAndGetsTheRightAnswer() {
    up("sums", "--workers", "2");

    Cli.Result job =
        cli.run(
            "submit",
            "--name",
            "sums",
            "--class",
            "io.appspark.examples.SumOfSquares",
            "--conf",
            "spark.dynamicAllocation.enabled=false",
            "--conf",
            "spark.scheduler.minRegisteredResourcesRatio=1.0",
            "--conf",
            "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
            Cli.EXAMPLES_JAR.toString(),
            "200000",
            "16");

    long n = 200_000;
    BigInteger expected =
        BigInteger.valueOf(n)
            .multiply(BigInteger.valueOf(n + 1))
            .multiply(BigInteger.valueOf(2 * n + 1))
            .divide(BigInteger.valueOf(6));
    assertThat(job.exitCode()).as(Cli.text(job)).isZero();
    assertThat(job.out()).contains("RESULT sum=" + expected + " executors=2");
  }

  @Test
  void theDemoRunsItsJobOnAFreshClusterAndTearsItDown() {
    clusters.add("demo-it");
    Cli.Result demo =
        cli.run(
            java.time.Duration.ofMinutes(10),
            "demo",
            "--name",
            "demo-it",
            "--workers",
            "1",
            "--customers",
            "20000");

    assertThat(demo.exitCode()).as(Cli.text(demo)).isZero();
    assertThat(demo.out())
        .as(Cli.text(demo))
        .containsPattern("RESULT customers=20000 regions=5 auc=0\\.[5-9]")
        .contains("Revenue and churn by region");
    assertThat(demo.err()).contains("cluster 'demo-it' stopped");
    assertThat(cli.processesOf("demo-it")).as("processes of the demo's cluster").isEmpty();
  }

  @Test
  void scalingOneToThreeToOneShowsInTheMastersAliveWorkers() {
    MasterClient master = new MasterClient(up("elastic", "--workers", "1").masterWebUrl());
    assertThat(aliveWorkers(master)).isEqualTo(1);

    Cli.Result up = cli.run("scale", "3", "--name", "elastic");
    assertThat(up.exitCode()).as(Cli.text(up)).isZero();
    assertThat(aliveWorkers(master)).isEqualTo(3);

    Cli.Result down = cli.run("scale", "1", "--name", "elastic");
    assertThat(down.exitCode()).as(Cli.text(down)).isZero();
    assertThat(aliveWorkers(master)).isEqualTo(1);
    assertThat(state("elastic").workers()).hasSize(1);
  }

  /** The cluster's processes, without the supervisor and the driver (and the driver's children). */
  private List<ProcessHandle> sparkProcesses(String name, ClusterState state, Process driver) {
    List<Long> notCluster = new ArrayList<>(List.of(state.supervisorPid(), driver.pid()));
    driver.descendants().map(ProcessHandle::pid).forEach(notCluster::add);
    List<ProcessHandle> spark = new ArrayList<>(cli.processesOf(name));
    spark.removeIf(p -> notCluster.contains(p.pid()));
    return spark;
  }

  @Test
  void sigkillOfTheLauncherLeavesNoSparkProcessBehind() throws Exception {
    ClusterState state = up("orphans", "--workers", "2");
    Process driver =
        cli.start(
            stateDir.resolve("driver.log"),
            "submit",
            "--name",
            "orphans",
            "--class",
            "io.appspark.examples.SumOfSquares",
            "--conf",
            "spark.dynamicAllocation.enabled=false",
            Cli.EXAMPLES_JAR.toString(),
            "4000000000",
            "400");
    try {
      List<Long> workerPids =
          state.workers().stream().map(ClusterState.WorkerProcess::pid).toList();
      await("an executor under each worker")
          .atMost(ofSeconds(120))
          .until(
              () ->
                  workerPids.stream()
                      .allMatch(
                          pid ->
                              ProcessHandle.of(pid)
                                  .map(p -> p.children().findAny().isPresent())
                                  .orElse(false)));
      // A worker's child is first a fork of the worker's JVM, and only names the cluster's
      // directory once it has become the executor's java: wait for that, not just for the child.
      List<ProcessHandle> spark = new ArrayList<>();
      await("master, workers and an executor each, all naming the cluster's directory")
          .atMost(ofSeconds(60))
          .untilAsserted(
              () -> {
                spark.clear();
                spark.addAll(sparkProcesses("orphans", state, driver));
                assertThat(spark)
                    .extracting(ProcessHandle::pid)
                    .contains(state.masterPid())
                    .containsAll(workerPids)
                    .hasSizeGreaterThanOrEqualTo(5);
              });

      new ProcessBuilder("kill", "-KILL", Long.toString(state.supervisorPid())).start().waitFor();

      await("every Spark process of the cluster to exit")
          .atMost(ofSeconds(30))
          .until(() -> spark.stream().noneMatch(ProcessHandle::isAlive));
      assertThat(cli.processesOf("orphans"))
          .extracting(ProcessHandle::pid)
          .doesNotContainAnyElementsOf(spark.stream().map(ProcessHandle::pid).toList());
    } finally {
      driver.destroyForcibly();
    }
  }

  @Test
  void twoClustersRunSideBySide() {
    ClusterState left = up("left", "--workers", "1");
    ClusterState right = up("right", "--workers", "1");

    assertThat(left.masterUrl()).isNotEqualTo(right.masterUrl());
    assertThat(left.masterWebUrl()).isNotEqualTo(right.masterWebUrl());
    assertThat(aliveWorkers(new MasterClient(left.masterWebUrl()))).isEqualTo(1);
    assertThat(aliveWorkers(new MasterClient(right.masterWebUrl()))).isEqualTo(1);

    assertThat(cli.run("down", "--name", "left").exitCode()).isZero();

    assertThat(cli.processesOf("left")).isEmpty();
    assertThat(aliveWorkers(new MasterClient(right.masterWebUrl()))).isEqualTo(1);
    assertThat(cli.run("status", "--name", "right").out()).contains("READY");
  }

  @Test
  void anInvalidSpecIsRefusedNamingTheFieldAndNothingStarts() throws Exception {
    Path spec = stateDir.resolve("bad.yaml");
    Files.writeString(spec, "name: broken\nworkers:\n  max: 2\n  initial: 5\n");

    Cli.Result result = cli.run("up", "--detach", "-f", spec.toString());

    assertThat(result.exitCode()).as(Cli.text(result)).isEqualTo(2);
    assertThat(result.err())
        .contains("workers.initial")
        .contains("between workers.min (1) and workers.max (2)");
    assertThat(cli.clusterDir("broken")).doesNotExist();
    assertThat(cli.processesOf("broken")).isEmpty();
    assertThat(cli.run("status", "--name", "broken").exitCode()).isEqualTo(3);
  }

  private ClusterState up(String name, String... args) {
    clusters.add(name);
    // The cluster's own mechanics: no autoscaler that would pin or change the worker count.
    List<String> cmd =
        new ArrayList<>(List.of("up", "--detach", "--no-autoscaler", "--name", name));
    cmd.addAll(List.of(args));
    Cli.Result result = cli.run(cmd.toArray(String[]::new));
    assertThat(result.exitCode()).as(Cli.text(result)).isZero();
    return state(name);
  }

  private ClusterState state(String name) {
    try {
      return new ObjectMapper()
          .readValue(cli.clusterDir(name).resolve("cluster.json").toFile(), ClusterState.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int aliveWorkers(MasterClient master) {
    return master.state().map(MasterState::aliveWorkerCount).orElse(-1);
  }
}
