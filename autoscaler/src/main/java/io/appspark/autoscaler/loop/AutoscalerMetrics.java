package io.appspark.autoscaler.loop;

import io.appspark.autoscaler.policy.Decision;
import io.appspark.autoscaler.policy.Demand;
import io.appspark.autoscaler.policy.ObservedCluster;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The autoscaler's Prometheus metrics: workers, demand, decisions and how fast it reacts. */
public final class AutoscalerMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger retiring = new AtomicInteger();
  private final AtomicInteger desired = new AtomicInteger();
  private final AtomicInteger wantedExecutors = new AtomicInteger();
  private final AtomicInteger wantedCores = new AtomicInteger();
  private final AtomicInteger busyCores = new AtomicInteger();
  private final AtomicInteger apps = new AtomicInteger();
  private final Timer reaction;
  private final Timer scaleUp;
  private final Timer step;
  private final Counter failedSteps;

  public AutoscalerMetrics(MeterRegistry registry) {
    this.registry = registry;
    workers("active", active);
    workers("pending", pending);
    workers("retiring", retiring);
    Gauge.builder("appspark_autoscaler_desired_workers", desired, AtomicInteger::get)
        .description("Workers the policy aims at")
        .register(registry);
    Gauge.builder("appspark_autoscaler_demand_executors", wantedExecutors, AtomicInteger::get)
        .description("Executors the drivers want")
        .register(registry);
    Gauge.builder("appspark_autoscaler_demand_cores", wantedCores, AtomicInteger::get)
        .description("Cores the drivers want")
        .register(registry);
    Gauge.builder("appspark_autoscaler_busy_cores", busyCores, AtomicInteger::get)
        .description("Cores held by executors")
        .register(registry);
    Gauge.builder("appspark_autoscaler_applications", apps, AtomicInteger::get)
        .description("Applications with demand")
        .register(registry);
    reaction =
        Timer.builder("appspark_autoscaler_reaction")
            .description(
                "From the start of the step that saw unmet demand to the backend accepting the request")
            .publishPercentiles(0.5, 0.95)
            .register(registry);
    scaleUp =
        Timer.builder("appspark_autoscaler_scale_up")
            .description("From requesting workers to all of them registered with the master")
            .publishPercentiles(0.5, 0.95)
            .register(registry);
    step =
        Timer.builder("appspark_autoscaler_step")
            .description("One observe-decide-act step")
            .register(registry);
    failedSteps =
        Counter.builder("appspark_autoscaler_failed_steps")
            .description("Steps that could not observe or act")
            .register(registry);
  }

  void observed(ObservedCluster cluster, Demand demand, Decision decision) {
    active.set(cluster.active().size());
    pending.set(cluster.pending());
    retiring.set(cluster.retiring());
    desired.set(decision.desiredWorkers());
    wantedExecutors.set(demand.wantedExecutors());
    wantedCores.set(demand.wantedCores());
    busyCores.set(cluster.busyCores());
    apps.set(demand.apps().size());
  }

  void decided(Decision decision) {
    String action =
        decision instanceof Decision.Add
            ? "add"
            : decision instanceof Decision.Retire ? "retire" : "hold";
    registry.counter("appspark_autoscaler_decisions", "action", action).increment();
  }

  void reacted(Duration d) {
    reaction.record(d);
  }

  void scaledUp(Duration d) {
    scaleUp.record(d);
  }

  void stepped(Duration d) {
    step.record(d);
  }

  void stepFailed() {
    failedSteps.increment();
  }

  private void workers(String phase, AtomicInteger value) {
    Gauge.builder("appspark_autoscaler_workers", value, AtomicInteger::get)
        .tag("phase", phase)
        .description("Workers by phase")
        .register(registry);
  }
}
