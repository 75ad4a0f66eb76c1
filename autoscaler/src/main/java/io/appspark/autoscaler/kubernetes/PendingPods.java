package io.appspark.autoscaler.kubernetes;

import io.appspark.launcher.kubernetes.PodStates;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which worker pods to give up: those the scheduler left unplaced for longer than the timeout (no
 * node has room, an admission left it unschedulable). Counted as pending they would hold the
 * cluster's size up forever without a worker behind them. Pure: the pods and the time come in.
 */
public final class PendingPods {
  private PendingPods() {}

  /** A pod to delete, how long it waited, and the scheduler's word on why. */
  public record GiveUp(String pod, Duration waited, String why) {
    public String reason() {
      return "gave up worker pod "
          + pod
          + ": not scheduled after "
          + waited.toSeconds()
          + "s ("
          + why
          + ")";
    }
  }

  /** The pods unscheduled since their creation for longer than {@code timeout}, oldest first. */
  public static List<GiveUp> toGiveUp(List<Pod> pods, Instant now, Duration timeout) {
    return pods.stream()
        .filter(p -> !PodStates.deleting(p) && PodStates.unscheduled(p))
        .sorted(Comparator.comparing(PendingPods::created))
        .map(p -> new GiveUp(p.getMetadata().getName(), Duration.between(created(p), now), why(p)))
        .filter(g -> g.waited().compareTo(timeout) > 0)
        .toList();
  }

  /** The creation time of the newest pod the scheduler placed, if any. */
  public static Optional<Instant> newestScheduled(List<Pod> pods) {
    return pods.stream()
        .filter(p -> !PodStates.unscheduled(p) && !PodStates.ended(p))
        .map(PendingPods::created)
        .max(Comparator.naturalOrder());
  }

  private static Instant created(Pod pod) {
    return Instant.parse(pod.getMetadata().getCreationTimestamp());
  }

  private static String why(Pod pod) {
    List<PodCondition> conditions =
        pod.getStatus() == null ? null : pod.getStatus().getConditions();
    return Optional.ofNullable(conditions).orElse(List.of()).stream()
        .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
        .map(c -> c.getMessage() != null ? c.getMessage() : c.getReason())
        .filter(m -> m != null && !m.isBlank())
        .findFirst()
        .orElse("no reason given by the scheduler");
  }
}
