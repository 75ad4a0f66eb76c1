package io.appspark.autoscaler.kubernetes;

import io.appspark.autoscaler.policy.WorkerView;
import io.appspark.launcher.kubernetes.PodStates;
import io.appspark.launcher.spark.MasterState;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Worker pods as the policy sees them: each pod joined with the master's registration of the worker
 * it runs, by pod IP (a worker registers with its pod IP as host). Pure: no client, no clock.
 */
public final class WorkerPods {
  private WorkerPods() {}

  /**
   * One view per worker pod that still runs or starts: a pod being deleted is retiring (it
   * decommissions on SIGTERM), one the master shows alive is active, any other is pending. Without
   * the master's state (it does not answer) every live pod is pending, so nothing is retired and
   * nothing is requested twice.
   */
  public static List<WorkerView> join(
      List<Pod> pods, Optional<MasterState> master, int coresPerWorker) {
    Map<String, MasterState.Worker> byHost =
        master.map(WorkerPods::liveRegistrations).orElse(Map.of());
    List<WorkerView> views = new ArrayList<>();
    pods.stream()
        .filter(p -> !PodStates.ended(p))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .forEach(
            p -> views.add(view(p, Optional.ofNullable(byHost.get(podIp(p))), coresPerWorker)));
    return views;
  }

  /** Which of the workers asked for may retire now, and which are refused because they are busy. */
  public static Retirement retirable(List<String> asked, List<WorkerView> workers) {
    Map<String, WorkerView> byId =
        workers.stream().collect(Collectors.toMap(WorkerView::id, Function.identity()));
    List<String> retire = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    for (String id : asked) {
      WorkerView w = byId.get(id);
      if (w == null || w.phase() == WorkerView.Phase.RETIRING) {
        continue;
      }
      (w.busy() ? busy : retire).add(id);
    }
    return new Retirement(retire, busy);
  }

  /** Pods to delete, and busy workers refused (the policy saw them idle a moment ago). */
  public record Retirement(List<String> retire, List<String> refusedBusy) {
    public Retirement {
      retire = List.copyOf(retire);
      refusedBusy = List.copyOf(refusedBusy);
    }
  }

  private static WorkerView view(
      Pod pod, Optional<MasterState.Worker> registered, int coresPerWorker) {
    String name = pod.getMetadata().getName();
    int cores = registered.map(MasterState.Worker::cores).orElse(coresPerWorker);
    int used = registered.map(MasterState.Worker::coresUsed).orElse(0);
    if (pod.getMetadata().getDeletionTimestamp() != null
        || registered.map(w -> w.state().startsWith("DECOMMISSION")).orElse(false)) {
      return WorkerView.retiring(name, cores, used);
    }
    if (registered.filter(MasterState.Worker::isAlive).isPresent()) {
      return WorkerView.active(name, cores, used, Duration.ZERO);
    }
    return WorkerView.pending(name, cores);
  }

  private static Map<String, MasterState.Worker> liveRegistrations(MasterState state) {
    return state.workers().stream()
        .filter(w -> !"DEAD".equals(w.state()) && w.host() != null)
        .collect(Collectors.toMap(MasterState.Worker::host, Function.identity(), (a, b) -> b));
  }

  private static String podIp(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPodIP();
  }
}
