package io.appspark.launcher.local;

import io.appspark.client.ClusterConnection;
import io.appspark.launcher.Await;
import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.Progress;
import io.appspark.launcher.local.ClusterState.Phase;
import io.appspark.launcher.local.ClusterState.WorkerProcess;
import io.appspark.launcher.secrets.SecretResolver;
import io.appspark.launcher.spark.MasterClient;
import io.appspark.launcher.spark.MasterState;
import io.appspark.launcher.spec.ClusterSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running local in-app cluster: a Spark master and workers as child processes of this JVM (the
 * supervisor). One thread, the reconciler, owns all changes: it keeps the number of active workers
 * at the target, retires workers gracefully (decommission, then stop once their executors are gone)
 * and records the state for other shells.
 */
public final class LocalCluster implements AutoCloseable {
  static final Duration TICK = Duration.ofMillis(250);
  static final Duration STOP_GRACE = Duration.ofSeconds(10);
  static final Duration RETIRE_TIMEOUT = Duration.ofSeconds(120);

  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

  private final ClusterSpec spec;
  private final ClusterLayout layout;
  private final StateFiles files;
  private final SparkCommands commands;
  private final ClassDataArchives archives;
  private final Installation installation;
  private final String marker;
  private final ScheduledExecutorService reconciler;
  private final Optional<String> autoscalerUrl;
  private final SecretResolver secrets;
  private SecretResolver.Resolved connectConf;
  private final AuthSecret secret = AuthSecret.generate();

  private Process master;
  private ConnectServer connectServer;
  private MasterClient masterClient;
  private String masterUrl;
  private String masterWebUrl;
  private int controlPort;
  private int targetWorkers;
  private int nextOrdinal = 1;
  private Phase phase = Phase.STARTING;
  private MasterState lastSeen;
  private AutoscalerProcess autoscaler;
  private final Map<Integer, Process> workerProcesses = new HashMap<>();
  private final Map<Integer, WorkerProcess> workers = new HashMap<>();
  private final Map<Integer, Long> retiringSince = new HashMap<>();

  public LocalCluster(ClusterSpec spec, ClusterLayout layout, Installation installation) {
    this(spec, layout, installation, Optional.empty());
  }

  /**
   * A cluster whose drivers announce themselves to the autoscaler at {@code autoscalerUrl}; secret
   * references in the spec are resolved from this process's environment.
   */
  public LocalCluster(
      ClusterSpec spec,
      ClusterLayout layout,
      Installation installation,
      Optional<String> autoscalerUrl) {
    this(
        spec,
        layout,
        installation,
        autoscalerUrl,
        SecretResolver.fromEnvironment(System.getenv(), Optional.empty()));
  }

  /**
   * As above, with the resolver for the secret references of the drivers this cluster starts itself
   * (its Spark Connect server).
   */
  public LocalCluster(
      ClusterSpec spec,
      ClusterLayout layout,
      Installation installation,
      Optional<String> autoscalerUrl,
      SecretResolver secrets) {
    this.autoscalerUrl = autoscalerUrl;
    this.secrets = secrets;
    this.spec = spec;
    this.layout = layout;
    this.installation = installation;
    this.files = new StateFiles(layout);
    this.archives = new ClassDataArchives(installation.classDataDirectory(installation.cache()));
    this.commands =
        new SparkCommands(
            installation,
            layout,
            spec.name(),
            ProcessHandle.current().pid(),
            archives,
            Optional.of(secret));
    this.marker = "cluster(" + spec.name() + ")";
    this.reconciler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "appspark-reconciler-" + spec.name());
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts the master and the initial workers and waits until they are registered. */
  public void start(Duration timeout, Progress progress) {
    if (spec.connect().enabled()) {
      // Before anything starts: a secret that cannot be read stops the start with nothing left.
      connectConf = secrets.resolveAll(SparkConfModel.driverConf(spec, autoscalerUrl));
    }
    try {
      prepareDirectories();
      startMaster();
      Await.until(
          "the master to answer at " + masterWebUrl,
          timeout,
          progress,
          () -> {
            if (!master.isAlive()) {
              throw new LauncherException(
                  ExitCode.FAILED,
                  "the master exited with code "
                      + master.exitValue()
                      + "; see "
                      + layout.logs().resolve("master.log"));
            }
            return masterClient.state().filter(s -> "ALIVE".equals(s.status()));
          });
      progress.done("master ready at " + masterUrl + " (UI " + masterWebUrl + ")");
      call(() -> targetWorkers = spec.workers().initial());
      reconciler.scheduleWithFixedDelay(
          this::tickSafely, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
      if (spec.connect().enabled()) {
        startConnectServer();
      }
      awaitWorkers(spec.workers().initial(), timeout, progress);
      if (connectServer != null) {
        connectServer.awaitReady(masterClient, timeout, progress);
      }
      files.writeConnection(
          new ClusterConnection(
              spec.name(),
              masterUrl,
              masterWebUrl,
              SparkConfModel.driverConf(spec, autoscalerUrl),
              connectServer == null ? "" : connectServer.url(),
              layout.authSecretFile().toString()));
      call(() -> phase = Phase.READY);
      call(this::recordState);
      LOG.info("{} ready: master {}, {} workers", marker, masterUrl, spec.workers().initial());
    } catch (RuntimeException e) {
      LOG.error("{} failed to start: {}", marker, e.getMessage());
      close();
      throw e;
    }
  }

  /** Waits until {@code count} of this cluster's workers are registered and alive. */
  public void awaitWorkers(int count, Duration timeout, Progress progress) {
    Await.until(
        count + " worker(s) to register with the master",
        timeout,
        progress,
        () -> {
          Optional<MasterState> state = masterClient.state();
          long registered = state.map(this::registeredActiveWorkers).orElse(0L);
          return registered == count ? state : Optional.empty();
        });
    progress.done(count + " worker(s) registered");
  }

  public void setControlPort(int port) {
    call(
        () -> {
          controlPort = port;
          recordState();
        });
  }

  /**
   * Starts the autoscaler beside the cluster; it is restarted if it exits and stopped first on
   * close.
   */
  public void startAutoscaler(int port) {
    call(() -> autoscaler = AutoscalerProcess.start(installation, layout, spec, port));
  }

  public ClusterState scaleTo(int count) {
    if (count < 0 || count > spec.workers().max()) {
      throw new LauncherException(
          ExitCode.USAGE,
          "workers: must be from 0 to workers.max ("
              + spec.workers().max()
              + ") for cluster '"
              + spec.name()
              + "'; got "
              + count);
    }
    return call(
        () -> {
          targetWorkers = count;
          LOG.info("{} target set to {} worker(s)", marker, count);
          tick();
          return snapshot();
        });
  }

  /** Retires the named workers gracefully and lowers the target by as many. */
  public ClusterState retire(List<Integer> ordinals) {
    return call(
        () -> {
          for (int ordinal : ordinals) {
            WorkerProcess w = workers.get(ordinal);
            if (w != null && !w.retiring()) {
              targetWorkers = Math.max(0, targetWorkers - 1);
              beginRetirement(w);
            }
          }
          recordState();
          return snapshot();
        });
  }

  public ClusterState state() {
    return call(this::snapshot);
  }

  public ClusterSpec spec() {
    return spec;
  }

  public String masterUrl() {
    return masterUrl;
  }

  public String masterWebUrl() {
    return masterWebUrl;
  }

  public Installation installation() {
    return installation;
  }

  public ClusterLayout layout() {
    return layout;
  }

  /** Stops every process of the cluster (workers first) and removes its running state. */
  @Override
  public synchronized void close() {
    if (phase == Phase.STOPPING) {
      return;
    }
    phase = Phase.STOPPING;
    reconciler.shutdownNow();
    try {
      reconciler.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (autoscaler != null) {
      autoscaler.close();
    }
    if (connectServer != null) {
      connectServer.stop(STOP_GRACE);
    }
    workerProcesses.values().parallelStream()
        .forEach(p -> Processes.stop(p.toHandle(), STOP_GRACE));
    if (master != null) {
      Processes.stop(master.toHandle(), STOP_GRACE);
    }
    files.removeRunningState();
    archives.promoteRecordings();
    LOG.info("{} stopped", marker);
  }

  private void prepareDirectories() {
    try {
      if (Files.exists(layout.work())) {
        deleteTree(layout.work());
      }
      Files.createDirectories(layout.confDir());
      Files.createDirectories(layout.logs());
      Files.createDirectories(layout.tmp());
      files.writeAuthSecret(secret);
      Files.copy(
          installation.sparkHome().resolve("conf/log4j2.properties"),
          layout.confDir().resolve("log4j2.properties"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      String defaults =
          SparkConfModel.daemonConf(spec).entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining("\n", "", "\n"));
      Files.writeString(layout.confDir().resolve("spark-defaults.conf"), defaults);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + layout.root(), e);
    }
  }

  private void startMaster() {
    int rpcPort = FreePorts.pick();
    int uiPort = FreePorts.pick();
    masterUrl = "spark://127.0.0.1:" + rpcPort;
    masterWebUrl = "http://127.0.0.1:" + uiPort;
    masterClient = new MasterClient(masterWebUrl);
    master = Processes.start(commands.master(rpcPort, uiPort));
    LOG.info("{} master started (pid {}) at {}", marker, master.pid(), masterUrl);
    call(this::recordState);
  }

  /** The Spark Connect server is a driver on the cluster, so it starts once the master is up. */
  private void startConnectServer() {
    call(
        () -> {
          connectServer = ConnectServer.start(commands, masterUrl, connectConf);
          LOG.info("{} Spark Connect server started (pid {})", marker, connectServer.pid());
          recordState();
        });
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("{} reconcile step failed: {}", marker, e.toString());
    }
  }

  private void tick() {
    if (phase == Phase.STOPPING) {
      return;
    }
    lastSeen = masterClient.state().orElse(lastSeen);
    reapExitedWorkers();
    if (connectServer != null && connectServer.exitedSinceReady()) {
      LOG.warn("{} Spark Connect server exited; see {}", marker, connectServer.log());
    }
    if (!master.isAlive()) {
      phase = Phase.FAILED;
      LOG.error(
          "{} master exited with code {}; see {}",
          marker,
          master.exitValue(),
          layout.logs().resolve("master.log"));
      recordState();
      return;
    }
    List<WorkerProcess> active = workers.values().stream().filter(w -> !w.retiring()).toList();
    if (active.size() < targetWorkers) {
      for (int i = active.size(); i < targetWorkers; i++) {
        startWorker();
      }
    } else if (active.size() > targetWorkers) {
      RetirementChoice.choose(active, lastSeen, active.size() - targetWorkers)
          .forEach(this::beginRetirement);
    }
    finishRetirements();
    if (autoscaler != null) {
      autoscaler.restartIfExited();
    }
    recordState();
  }

  private void startWorker() {
    int ordinal = nextOrdinal++;
    int port = FreePorts.pick();
    Process p =
        Processes.start(
            commands.worker(
                ordinal, port, masterUrl, spec.workers().cores(), spec.workers().sparkMemory()));
    workerProcesses.put(ordinal, p);
    workers.put(ordinal, new WorkerProcess(ordinal, p.pid(), port, false));
    LOG.info("{} worker-{} started (pid {}, port {})", marker, ordinal, p.pid(), port);
  }

  private void beginRetirement(WorkerProcess worker) {
    workers.put(worker.ordinal(), worker.retire());
    retiringSince.put(worker.ordinal(), System.nanoTime());
    LOG.info("{} retiring {}: decommissioning (pid {})", marker, worker.id(), worker.pid());
    Processes.decommission(worker.pid());
  }

  private void finishRetirements() {
    for (WorkerProcess w : List.copyOf(workers.values())) {
      if (!w.retiring()) {
        continue;
      }
      boolean drained = isDrained(w, workerProcesses.get(w.ordinal()));
      boolean overdue =
          System.nanoTime() - retiringSince.get(w.ordinal()) > RETIRE_TIMEOUT.toNanos();
      if (drained || overdue) {
        LOG.info(
            "{} {} {}; stopping it",
            marker,
            w.id(),
            drained ? "drained" : "did not drain in " + RETIRE_TIMEOUT.toSeconds() + "s");
        Process p = workerProcesses.remove(w.ordinal());
        workers.remove(w.ordinal());
        retiringSince.remove(w.ordinal());
        Processes.stop(p.toHandle(), STOP_GRACE);
      }
    }
  }

  /**
   * A retiring worker is drained once the master no longer offers it (decommissioned) and its
   * executors, which are its child processes, have exited. The master's {@code coresused} is no
   * guide here: it still counts a decommissioned worker's executor after that executor exits.
   */
  private boolean isDrained(WorkerProcess worker, Process process) {
    boolean offered =
        lastSeen != null
            && lastSeen
                .workerOnPort(worker.rpcPort())
                .map(MasterState.Worker::isAlive)
                .orElse(false);
    return !offered && process.children().findAny().isEmpty();
  }

  private void reapExitedWorkers() {
    for (var entry : List.copyOf(workerProcesses.entrySet())) {
      Process p = entry.getValue();
      if (!p.isAlive()) {
        WorkerProcess w = workers.remove(entry.getKey());
        workerProcesses.remove(entry.getKey());
        retiringSince.remove(entry.getKey());
        if (w != null && !w.retiring()) {
          LOG.warn(
              "{} {} exited unexpectedly with code {}; see {}",
              marker,
              w.id(),
              p.exitValue(),
              layout.logs().resolve(w.id() + ".log"));
        }
      }
    }
  }

  private long registeredActiveWorkers(MasterState state) {
    List<WorkerProcess> active =
        call(() -> workers.values().stream().filter(w -> !w.retiring()).toList());
    return active.stream()
        .filter(
            w -> state.workerOnPort(w.rpcPort()).filter(MasterState.Worker::isAlive).isPresent())
        .count();
  }

  private void recordState() {
    if (phase != Phase.STOPPING) {
      files.write(snapshot());
    }
  }

  private ClusterState snapshot() {
    List<WorkerProcess> list = new ArrayList<>(workers.values());
    list.sort(java.util.Comparator.comparingInt(WorkerProcess::ordinal));
    return new ClusterState(
        spec.name(),
        phase,
        ProcessHandle.current().pid(),
        master == null ? 0 : master.pid(),
        masterUrl,
        masterWebUrl,
        controlPort,
        targetWorkers,
        list,
        connectServer == null ? null : connectServer.readyUrl().orElse(null),
        connectServer == null ? 0 : connectServer.pid(),
        autoscalerUrl.orElse(null));
  }

  private void call(Runnable action) {
    call(
        () -> {
          action.run();
          return null;
        });
  }

  private <T> T call(java.util.concurrent.Callable<T> action) {
    if (Thread.currentThread().getName().startsWith("appspark-reconciler-")) {
      try {
        return action.call();
      } catch (Exception e) {
        throw rethrow(e);
      }
    }
    try {
      return reconciler.submit(action).get();
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException(ExitCode.FAILED, "interrupted");
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw new LauncherException(ExitCode.FAILED, "cluster '" + spec.name() + "' is stopping");
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    return t instanceof RuntimeException r ? r : new IllegalStateException(t);
  }

  private static void deleteTree(java.nio.file.Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (var p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
