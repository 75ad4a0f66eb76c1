package io.appspark.autoscaler.policy;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;

/**
 * The scaling policy: a pure function from what is observed to what to do.
 *
 * <ul>
 *   <li>Grow at once to cover demand, counting workers already requested but not registered, so
 *       nothing is requested twice; at most {@code maxStep} per decision; never beyond max.
 *   <li>Shrink only to the peak demand of the last {@code scaleDownCooldown} (hysteresis), only by
 *       retiring workers that have held no executor for {@code idleTimeout}; never a busy or a
 *       pending worker; never below min.
 *   <li>A pin (an operator's fixed count) replaces demand, within the same rules.
 * </ul>
 */
public final class ScalingPolicy {
  private final PolicyConfig config;

  public ScalingPolicy(PolicyConfig config) {
    this.config = config;
  }

  public PolicyConfig config() {
    return config;
  }

  /** The workers the demand alone asks for, within min and max. */
  public int wantedWorkers(Demand demand) {
    int perWorker = config.coresPerWorker();
    return config.clamp((demand.wantedCores() + perWorker - 1) / perWorker);
  }

  /**
   * Decides one step. {@code window} must already hold this moment's {@link #wantedWorkers}.
   *
   * @param pin a count an operator fixed, if any
   */
  public Decision decide(
      ObservedCluster cluster, Demand demand, OptionalInt pin, DemandWindow window, Instant now) {
    int counted = cluster.counted();
    int upTo = pin.isPresent() ? config.clamp(pin.getAsInt()) : wantedWorkers(demand);
    int downTo = pin.isPresent() ? upTo : config.clamp(Math.max(upTo, window.peak(now)));
    if (upTo > counted) {
      return grow(cluster, demand, pin, upTo);
    }
    if (downTo < counted) {
      return shrink(cluster, pin, downTo);
    }
    return new Decision.Hold(counted, steady(cluster, demand, pin, upTo, downTo));
  }

  private Decision grow(ObservedCluster cluster, Demand demand, OptionalInt pin, int desired) {
    int missing = desired - cluster.counted();
    int count = Math.min(missing, config.maxStep());
    StringBuilder why = new StringBuilder("add ").append(count).append(": ");
    if (pin.isPresent()) {
      why.append("pinned at ").append(desired).append(" worker(s)");
    } else {
      why.append(demand.wantedExecutors())
          .append(" executor(s) wanted (")
          .append(demand.wantedCores())
          .append(" cores), ")
          .append(cluster.freeCores())
          .append(" core(s) free");
      if (desired == config.maxWorkers()) {
        why.append(", workers.max ").append(config.maxWorkers());
      }
    }
    if (cluster.pending() > 0) {
      why.append(", ").append(cluster.pending()).append(" worker(s) already starting");
    }
    if (count < missing) {
      why.append(", step limited to ").append(config.maxStep());
    }
    return new Decision.Add(count, desired, why.toString());
  }

  private Decision shrink(ObservedCluster cluster, OptionalInt pin, int desired) {
    int surplus = cluster.counted() - desired;
    List<String> idle =
        cluster.active().stream()
            .filter(w -> !w.busy() && w.idleFor().compareTo(config.idleTimeout()) >= 0)
            .sorted(
                Comparator.comparing(WorkerView::idleFor).reversed().thenComparing(WorkerView::id))
            .limit(Math.min(surplus, config.maxStep()))
            .map(WorkerView::id)
            .toList();
    String target =
        pin.isPresent()
            ? "pinned at " + desired + " worker(s)"
            : desired
                + " worker(s) wanted at the peak of the last "
                + config.scaleDownCooldown().toSeconds()
                + "s";
    if (idle.isEmpty()) {
      return new Decision.Hold(
          desired,
          "hold: "
              + surplus
              + " worker(s) more than "
              + target
              + ", none idle for "
              + config.idleTimeout().toSeconds()
              + "s yet");
    }
    return new Decision.Retire(
        idle,
        desired,
        "retire "
            + String.join(", ", idle)
            + ": idle for "
            + config.idleTimeout().toSeconds()
            + "s or more, "
            + target);
  }

  private String steady(
      ObservedCluster cluster, Demand demand, OptionalInt pin, int upTo, int downTo) {
    String base = "steady: " + cluster.counted() + " worker(s)";
    if (pin.isPresent()) {
      return base + ", pinned at " + upTo;
    }
    if (downTo > upTo) {
      return base
          + ", kept for the peak demand of the last "
          + config.scaleDownCooldown().toSeconds()
          + "s";
    }
    return base + " for " + demand.wantedExecutors() + " executor(s) wanted";
  }
}
