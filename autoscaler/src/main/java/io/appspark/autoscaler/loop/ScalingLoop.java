package io.appspark.autoscaler.loop;

import io.appspark.autoscaler.backend.Observation;
import io.appspark.autoscaler.backend.WorkerBackend;
import io.appspark.autoscaler.demand.DemandReader;
import io.appspark.autoscaler.policy.Decision;
import io.appspark.autoscaler.policy.Demand;
import io.appspark.autoscaler.policy.DemandWindow;
import io.appspark.autoscaler.policy.ObservedCluster;
import io.appspark.autoscaler.policy.ScalingPolicy;
import io.appspark.autoscaler.policy.WorkerView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The autoscaler's heart: every interval it observes the workers and the demand, asks the policy,
 * and acts through the backend. One thread does all of it, so decisions never race each other; HTTP
 * handlers only read the latest {@link StatusSnapshot} and set the pin.
 */
public final class ScalingLoop implements AutoCloseable {
  static final int DECISIONS_KEPT = 50;
  static final int SAMPLES_KEPT = 600;
  private static final Logger LOG = LoggerFactory.getLogger(ScalingLoop.class);

  private final WorkerBackend backend;
  private final DemandReader demandReader;
  private final ScalingPolicy policy;
  private final Clock clock;
  private final AutoscalerMetrics metrics;
  private final Duration interval;
  private final String marker;
  private final ScheduledExecutorService thread;
  private final IdleTracker idle = new IdleTracker();
  private final AtomicBoolean stepQueued = new AtomicBoolean();
  private final AtomicReference<OptionalInt> pin = new AtomicReference<>(OptionalInt.empty());
  private final AtomicReference<StatusSnapshot> status;
  private final Deque<DecisionRecord> decisions = new ArrayDeque<>();
  private final Deque<Sample> samples = new ArrayDeque<>();
  private DemandWindow window;
  private String lastReason = "";
  private long scaleUpStartedNanos = -1;
  private int scaleUpTarget;

  public ScalingLoop(
      WorkerBackend backend,
      DemandReader demandReader,
      ScalingPolicy policy,
      Clock clock,
      AutoscalerMetrics metrics,
      Duration interval) {
    this.backend = backend;
    this.demandReader = demandReader;
    this.policy = policy;
    this.clock = clock;
    this.metrics = metrics;
    this.interval = interval;
    this.marker = "autoscaler(" + backend.describe() + ")";
    this.window = DemandWindow.of(policy.config().scaleDownCooldown());
    this.status = new AtomicReference<>(StatusSnapshot.initial(backend.describe()));
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "appspark-scaling-loop");
              t.setDaemon(true);
              return t;
            });
  }

  public void start() {
    thread.scheduleWithFixedDelay(this::stepSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs a step as soon as the loop's thread is free, besides the regular ones: a driver pushed a
   * rise in demand, and waiting for the next tick would only add to the reaction time. Pushes that
   * arrive while a step is queued share it.
   */
  public void decideNow() {
    if (stepQueued.compareAndSet(false, true)) {
      try {
        thread.execute(
            () -> {
              stepQueued.set(false);
              stepSafely();
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        stepQueued.set(false);
      }
    }
  }

  public StatusSnapshot status() {
    return status.get();
  }

  /** Fixes the worker count (within min and max) until released with an empty pin. */
  public void pin(OptionalInt count) {
    pin.set(count);
    LOG.info(
        "{} {}",
        marker,
        count.isPresent()
            ? "pinned at " + count.getAsInt() + " worker(s)"
            : "pin released: following demand");
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  private void stepSafely() {
    long started = System.nanoTime();
    try {
      step(started);
    } catch (RuntimeException e) {
      metrics.stepFailed();
      String error = e.getMessage() == null ? e.toString() : e.getMessage();
      if (!error.equals(status.get().error())) {
        LOG.warn("{} cannot observe or act: {}", marker, error);
      }
      StatusSnapshot s = status.get();
      status.set(
          new StatusSnapshot(
              s.backend(),
              false,
              s.pinned(),
              s.observedAtMillis(),
              s.workers(),
              s.demand(),
              s.wantedExecutors(),
              s.wantedWorkers(),
              s.lastDecision(),
              s.decisions(),
              s.history(),
              error));
    } finally {
      metrics.stepped(Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private void step(long startedNanos) {
    Instant now = clock.instant();
    Observation observation = backend.observe();
    Demand demand = demandReader.read(observation.apps());
    ObservedCluster cluster = new ObservedCluster(idle.update(observation.workers(), now));
    int wantedWorkers = policy.wantedWorkers(demand);
    window = window.record(now, wantedWorkers);
    Decision decision = policy.decide(cluster, demand, pin.get(), window, now);
    act(decision, cluster, startedNanos);
    trackScaleUp(cluster);
    metrics.observed(cluster, demand, decision);
    publish(now, cluster, demand, wantedWorkers, decision);
  }

  private void act(Decision decision, ObservedCluster cluster, long startedNanos) {
    metrics.decided(decision);
    if (!decision.reason().equals(lastReason)) {
      LOG.info("{} {}", marker, decision.reason());
      lastReason = decision.reason();
    }
    if (decision instanceof Decision.Add add) {
      backend.requestWorkers(cluster.counted() + add.count());
      metrics.reacted(Duration.ofNanos(System.nanoTime() - startedNanos));
      if (scaleUpStartedNanos < 0) {
        scaleUpStartedNanos = startedNanos;
      }
      scaleUpTarget = cluster.counted() + add.count();
    } else if (decision instanceof Decision.Retire retire) {
      backend.retire(retire.workerIds());
    }
  }

  private void trackScaleUp(ObservedCluster cluster) {
    if (scaleUpStartedNanos >= 0 && cluster.active().size() >= scaleUpTarget) {
      metrics.scaledUp(Duration.ofNanos(System.nanoTime() - scaleUpStartedNanos));
      scaleUpStartedNanos = -1;
    }
  }

  private void publish(
      Instant now, ObservedCluster cluster, Demand demand, int wantedWorkers, Decision decision) {
    long at = now.toEpochMilli();
    DecisionRecord record = DecisionRecord.of(decision, at);
    if (!(decision instanceof Decision.Hold)) {
      keep(decisions, record, DECISIONS_KEPT);
    }
    int cores =
        cluster.workers().stream()
            .filter(w -> w.phase() != WorkerView.Phase.RETIRING)
            .mapToInt(WorkerView::cores)
            .sum();
    samples.addLast(
        new Sample(
            at,
            demand.wantedExecutors(),
            wantedWorkers,
            cluster.counted(),
            cluster.pending(),
            cluster.busyCores(),
            cores));
    if (samples.size() > SAMPLES_KEPT) {
      samples.removeFirst();
    }
    OptionalInt pinned = pin.get();
    status.set(
        new StatusSnapshot(
            backend.describe(),
            true,
            pinned.isPresent() ? pinned.getAsInt() : null,
            at,
            cluster.workers().stream().map(WorkerStatus::of).toList(),
            demand.apps(),
            demand.wantedExecutors(),
            wantedWorkers,
            record,
            List.copyOf(decisions),
            List.copyOf(samples),
            null));
  }

  /** Newest first. */
  private static <T> void keep(Deque<T> deque, T item, int max) {
    deque.addFirst(item);
    while (deque.size() > max) {
      deque.removeLast();
    }
  }
}
