package io.appspark.autoscaler.it;

import io.appspark.autoscaler.Autoscaler;
import io.appspark.autoscaler.backend.LocalWorkerBackend;
import io.appspark.autoscaler.config.AutoscalerConfig;
import io.appspark.autoscaler.demand.DriverMetricsClient;
import io.appspark.autoscaler.policy.PolicyConfig;
import io.appspark.client.ClusterConnection;
import io.appspark.client.ClusterLocator;
import io.appspark.launcher.Progress;
import io.appspark.launcher.local.AutoscalerProcess;
import io.appspark.launcher.local.ClusterLayout;
import io.appspark.launcher.local.ClusterState;
import io.appspark.launcher.local.ControlServer;
import io.appspark.launcher.local.FreePorts;
import io.appspark.launcher.local.Installation;
import io.appspark.launcher.local.JvmCommand;
import io.appspark.launcher.local.LocalCluster;
import io.appspark.launcher.local.Processes;
import io.appspark.launcher.local.SparkCommands;
import io.appspark.launcher.local.StateFiles;
import io.appspark.launcher.spark.MasterClient;
import io.appspark.launcher.spark.MasterState;
import io.appspark.launcher.spec.ClusterSpec;
import io.appspark.launcher.spec.WorkerPool;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real local cluster (Spark master and workers as processes) for integration tests, with the
 * autoscaler either in this JVM or as the supervisor's child process, and drivers started as
 * separate JVMs on the cluster's SPARK_HOME. Spark never enters this JVM.
 */
public final class LocalTestCluster implements AutoCloseable {
  /**
   * Generous: on the shared 2-core machine, at a load average near 50, a master took over 3 min.
   */
  static final Duration START_TIMEOUT = Duration.ofMinutes(10);

  public final ClusterSpec spec;
  public final ClusterLayout layout;
  final Installation installation;
  public final LocalCluster cluster;
  final int autoscalerPort;
  private final ControlServer control;
  private Vertx vertx;
  private Autoscaler autoscaler;
  private final List<Process> drivers = new ArrayList<>();

  private LocalTestCluster(ClusterSpec spec, Path dir) {
    this.spec = spec;
    this.layout = new ClusterLayout(dir.resolve(spec.name()));
    this.installation =
        Installation.inSourceTree(
                Path.of(System.getProperty(Installation.HOME_PROPERTY)),
                Path.of(System.getProperty("java.home")))
            .verified();
    this.autoscalerPort = FreePorts.pick();
    this.cluster =
        new LocalCluster(
            spec, layout, installation, Optional.of(AutoscalerProcess.url(autoscalerPort)));
    cluster.start(START_TIMEOUT, Progress.silent());
    this.control = ControlServer.start(cluster, new StateFiles(layout), () -> {});
  }

  public static LocalTestCluster start(Path dir, String name, int min, int max, int initial) {
    return new LocalTestCluster(
        new ClusterSpec(name, new WorkerPool(min, max, initial, 1, 512), Map.of()), dir);
  }

  /** Runs the autoscaler in this JVM with short timeouts. */
  public Autoscaler startAutoscalerHere(Duration idleTimeout, Duration cooldown) throws Exception {
    vertx = Vertx.vertx();
    PolicyConfig policy =
        new PolicyConfig(spec.workers().min(), spec.workers().max(), 1, 4, idleTimeout, cooldown);
    AutoscalerConfig config =
        new AutoscalerConfig(
            spec.name(),
            layout.root(),
            "127.0.0.1",
            autoscalerPort,
            policy,
            Duration.ofMillis(200),
            Duration.ofSeconds(10));
    LocalWorkerBackend backend = new LocalWorkerBackend(spec.name(), layout, 1);
    DriverMetricsClient metrics = new DriverMetricsClient();
    autoscaler =
        Autoscaler.start(vertx, config, backend, metrics::read, Clock.systemUTC())
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    return autoscaler;
  }

  /** Runs the autoscaler as the supervisor does: a child process, restarted if it exits. */
  void startAutoscalerAsChild() {
    cluster.startAutoscaler(autoscalerPort);
  }

  /** Starts {@code ElasticJob} as a driver on this cluster; its report goes to {@code report}. */
  public Process startDriver(Path report, String... args) throws IOException {
    ClusterConnection connection;
    try (Reader in = Files.newBufferedReader(layout.connectionFile())) {
      connection = ClusterConnection.readFrom(in, layout.connectionFile().toString());
    }
    List<String> jobArgs = new ArrayList<>(List.of(args));
    jobArgs.add("report=" + report);
    SparkCommands commands =
        new SparkCommands(
            installation,
            layout,
            spec.name(),
            ProcessHandle.current().pid(),
            io.appspark.launcher.local.ClassDataArchives.disabled());
    Path log = layout.logs().resolve("driver-" + report.getFileName() + ".log");
    JvmCommand driver =
        commands.driver(
            "io.appspark.examples.elastic.ElasticJob",
            installation.examplesJar(),
            jobArgs,
            connection.masterUrl(),
            connection.sparkConf(),
            "768m",
            log);
    Map<String, String> env = new HashMap<>(driver.environment());
    env.put(ClusterLocator.CONNECTION_FILE_ENV, layout.connectionFile().toString());
    List<String> command = new ArrayList<>(driver.command());
    command.add(
        1,
        "-Dlog4j2.configurationFile="
            + installation.sparkHome().resolve("conf/log4j2-driver.properties"));
    Process p = Processes.start(new JvmCommand(command, env, layout.root(), log));
    drivers.add(p);
    return p;
  }

  public ClusterState state() {
    return cluster.state();
  }

  public Optional<MasterState> master() {
    return new MasterClient(cluster.masterWebUrl()).state();
  }

  /** Workers that count: not retiring (started, registered or not). */
  public int countedWorkers() {
    return (int) state().workers().stream().filter(w -> !w.retiring()).count();
  }

  public int registeredWorkers() {
    return master()
        .map(m -> (int) m.workers().stream().filter(MasterState.Worker::isAlive).count())
        .orElse(0);
  }

  public String logTail(String file) {
    try {
      List<String> lines = Files.readAllLines(layout.logs().resolve(file));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no " + file + ")";
    }
  }

  @Override
  public void close() {
    drivers.forEach(d -> Processes.stop(d.toHandle(), Duration.ofSeconds(10)));
    if (autoscaler != null) {
      autoscaler.close();
      vertx.close();
    }
    control.close();
    cluster.close();
  }
}
