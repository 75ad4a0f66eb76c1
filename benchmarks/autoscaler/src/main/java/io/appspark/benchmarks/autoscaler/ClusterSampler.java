package io.appspark.benchmarks.autoscaler;

import io.appspark.autoscaler.demand.AllocationGauges;
import io.appspark.autoscaler.demand.DriverMetricsClient;
import io.appspark.autoscaler.it.LocalTestCluster;
import io.appspark.launcher.local.ClusterState;
import io.appspark.launcher.spark.MasterState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Samples a cluster every {@link #PERIOD_MILLIS}: worker processes, registered workers, busy cores,
 * and the driver's demand (read from its metrics every {@link #DEMAND_EVERY} samples, its UI found
 * in the job's progress file). Sampling is kept light: the master and the driver serve it from the
 * same two cores the measured cluster runs on (at 100 ms, sampling took over a core). Also notes
 * when each worker process started, when the master first listed it alive, and when the worker's
 * first executor process started (a child process of the worker).
 */
final class ClusterSampler implements AutoCloseable {
  static final long PERIOD_MILLIS = 500;
  static final int DEMAND_EVERY = 2;

  record Sample(long atMillis, int processes, int registered, int busyCores, int wantedExecutors) {}

  /** Times in epoch milliseconds; -1 when not seen. */
  record WorkerLife(
      String id, long processStartMillis, long registeredMillis, long executorStartMillis) {}

  private final LocalTestCluster cluster;
  private final Path progress;
  private final DriverMetricsClient metrics = new DriverMetricsClient();
  private final List<Sample> samples = new ArrayList<>();
  private final Map<Integer, Long> startedByPort = new HashMap<>();
  private final Map<Integer, String> idByPort = new HashMap<>();
  private final Map<Integer, Long> registeredByPort = new HashMap<>();
  private final Map<Integer, Long> executorStartByPort = new HashMap<>();
  private final Thread thread;
  private final long skewMillis;
  private volatile boolean running = true;
  private String driverUi;
  private long sampled;
  private int lastWanted;

  ClusterSampler(LocalTestCluster cluster, Path progress) {
    this.skewMillis = processClockSkewMillis();
    this.cluster = cluster;
    this.progress = progress;
    this.thread = new Thread(this::run, "bench-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  /**
   * Every worker seen. Its registration is the instant its own log says the master took it (to the
   * millisecond); when the log does not say, the first sample that saw it alive (up to {@link
   * #PERIOD_MILLIS} late).
   */
  synchronized List<WorkerLife> workers() {
    List<WorkerLife> out = new ArrayList<>();
    startedByPort.forEach(
        (port, started) -> {
          Path log = cluster.layout.logs().resolve(idByPort.get(port) + ".log");
          out.add(
              new WorkerLife(
                  idByPort.get(port),
                  started,
                  WorkerLogs.registeredMillis(log).orElse(registeredByPort.getOrDefault(port, -1L)),
                  WorkerLogs.executorLaunchedMillis(log)
                      .orElse(executorStartByPort.getOrDefault(port, -1L))));
        });
    out.sort(java.util.Comparator.comparingLong(WorkerLife::processStartMillis));
    return out;
  }

  private void run() {
    while (running) {
      long now = System.currentTimeMillis();
      try {
        sample(now);
      } catch (RuntimeException e) {
        // the cluster is stopping
      }
      try {
        Thread.sleep(Math.max(1, PERIOD_MILLIS - (System.currentTimeMillis() - now)));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample(long now) {
    ClusterState state = cluster.state();
    Optional<MasterState> master = cluster.master();
    if (sampled++ % DEMAND_EVERY == 0) {
      lastWanted = demand().map(AllocationGauges::target).orElse(0);
    }
    int wanted = lastWanted;
    synchronized (this) {
      for (ClusterState.WorkerProcess w : state.workers()) {
        if (!startedByPort.containsKey(w.rpcPort())) {
          long started =
              ProcessHandle.of(w.pid())
                  .flatMap(p -> p.info().startInstant())
                  .map(i -> i.toEpochMilli() - skewMillis)
                  .orElse(now);
          startedByPort.put(w.rpcPort(), started);
          idByPort.put(w.rpcPort(), w.id());
        }
        if (!executorStartByPort.containsKey(w.rpcPort())) {
          firstChildStart(w.pid()).ifPresent(t -> executorStartByPort.put(w.rpcPort(), t));
        }
        master
            .flatMap(m -> m.workerOnPort(w.rpcPort()))
            .filter(MasterState.Worker::isAlive)
            .ifPresent(x -> registeredByPort.putIfAbsent(w.rpcPort(), now));
      }
      int registered = master.map(m -> m.aliveWorkers().size()).orElse(0);
      int busy = master.map(MasterState::coresUsed).orElse(0);
      samples.add(new Sample(now, state.workers().size(), registered, busy, wanted));
    }
  }

  /** A worker's only child processes are its executors. */
  private Optional<Long> firstChildStart(long workerPid) {
    return ProcessHandle.of(workerPid).stream()
        .flatMap(ProcessHandle::descendants)
        .map(p -> p.info().startInstant())
        .flatMap(Optional::stream)
        .map(i -> i.toEpochMilli() - skewMillis)
        .min(Long::compare);
  }

  /**
   * How far the kernel's process start times run from the wall clock. Linux counts them from boot
   * on a clock that does not advance while a virtual machine is paused, so on this machine they
   * were half a second early (and more after longer pauses): a process started now says when.
   */
  private static long processClockSkewMillis() {
    long before = System.currentTimeMillis();
    try {
      Process probe = new ProcessBuilder("sleep", "5").start();
      long after = System.currentTimeMillis();
      long said = probe.toHandle().info().startInstant().map(Instant::toEpochMilli).orElse(before);
      probe.destroy();
      return said - (before + after) / 2;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  private Optional<AllocationGauges> demand() {
    if (driverUi == null) {
      try {
        if (Files.exists(progress)) {
          driverUi =
              Files.readAllLines(progress).stream()
                  .filter(l -> l.startsWith("ui "))
                  .map(l -> l.substring(3))
                  .findFirst()
                  .orElse(null);
        }
      } catch (java.io.IOException e) {
        return Optional.empty();
      }
    }
    return driverUi == null || driverUi.isBlank() ? Optional.empty() : metrics.read(driverUi);
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
