package io.appspark.autoscaler.kubernetes;

import io.appspark.autoscaler.backend.BackendUnavailableException;
import io.appspark.autoscaler.backend.Observation;
import io.appspark.autoscaler.backend.WorkerBackend;
import io.appspark.autoscaler.policy.WorkerView;
import io.appspark.launcher.kubernetes.KubernetesCluster;
import io.appspark.launcher.kubernetes.PodStates;
import io.appspark.launcher.kubernetes.model.ClusterModel;
import io.appspark.launcher.spark.MasterClient;
import io.appspark.launcher.spark.MasterState;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker pods on Kubernetes. The pods themselves are the state: they are found by their labels, so
 * a restarted autoscaler (or a new leader) adopts every worker that exists. New pods are created
 * with server-side apply; a worker retires by deleting its pod, whose SIGTERM the image's
 * entrypoint turns into Spark decommissioning and a drain (the pod's grace period is the
 * decommission timeout plus 30 s). Each observation cleans up: pods that ended are deleted and
 * count as gone; pods the scheduler left unplaced longer than the pending timeout are given up
 * (deleted, with a Warning Event) and adding workers is held back for a while ({@link AddBackoff}).
 */
public final class KubernetesWorkerBackend implements WorkerBackend {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesWorkerBackend.class);

  private final KubernetesClient client;
  private final KubernetesCluster cluster;
  private final ClusterModel model;
  private final MasterClient master;
  private final Clock clock;
  private final Duration pendingTimeout;
  private final String reporter;
  private final String marker;
  private AddBackoff backoff = AddBackoff.none();

  /**
   * @param pendingTimeout how long a worker pod may stay unscheduled before it is given up
   * @param reporter this replica (its pod name), the source of the Events it records
   */
  public KubernetesWorkerBackend(
      KubernetesClient client,
      ClusterModel model,
      MasterClient master,
      Clock clock,
      Duration pendingTimeout,
      String reporter) {
    this.client = client;
    this.cluster = new KubernetesCluster(client);
    this.model = model;
    this.master = master;
    this.clock = clock;
    this.pendingTimeout = pendingTimeout;
    this.reporter = reporter;
    this.marker = "kubernetes(" + model.namespace() + "/" + model.spec().name() + ")";
  }

  @Override
  public Observation observe() {
    List<Pod> pods = cleanUp(call(() -> cluster.workerPodsInAnyPhase(namespace(), name())));
    Optional<MasterState> state = master.state();
    List<WorkerView> workers = WorkerPods.join(pods, state, model.spec().workers().cores());
    return new Observation(workers, state.map(MasterState::activeApps).orElse(List.of()));
  }

  @Override
  public void requestWorkers(int total) {
    long counted =
        workers(master.state()).stream()
            .filter(w -> w.phase() != WorkerView.Phase.RETIRING)
            .count();
    if (counted >= total) {
      return;
    }
    Optional<Instant> held = backoff.holdsUntil(clock.instant());
    if (held.isPresent()) {
      throw new BackendUnavailableException(
          marker + ": not adding workers until " + held.get() + ": " + backoff.why(), null);
    }
    for (long i = counted; i < total; i++) {
      call(() -> cluster.addWorker(model));
    }
  }

  @Override
  public void retire(List<String> workerIds) {
    WorkerPods.Retirement retirement = WorkerPods.retirable(workerIds, workers(master.state()));
    if (!retirement.refusedBusy().isEmpty()) {
      LOG.info("{} not retiring busy worker(s) {}", marker, retirement.refusedBusy());
    }
    for (String pod : retirement.retire()) {
      call(() -> cluster.deleteWorker(namespace(), pod));
      LOG.info("{} retiring worker pod {} (decommissions on SIGTERM)", marker, pod);
    }
  }

  @Override
  public String describe() {
    return marker;
  }

  private List<WorkerView> workers(Optional<MasterState> state) {
    return WorkerPods.join(
        call(() -> cluster.workerPods(namespace(), name())), state, model.spec().workers().cores());
  }

  /** Deletes ended and given-up pods; returns the others. */
  private List<Pod> cleanUp(List<Pod> pods) {
    Set<String> gone = new HashSet<>();
    for (Pod pod : pods) {
      if (PodStates.ended(pod)) {
        String name = pod.getMetadata().getName();
        call(() -> cluster.deleteWorker(namespace(), name));
        gone.add(name);
        LOG.info(
            "{} deleted worker pod {}: it ended ({})", marker, name, pod.getStatus().getPhase());
      }
    }
    Instant now = clock.instant();
    for (PendingPods.GiveUp given : PendingPods.toGiveUp(pods, now, pendingTimeout)) {
      call(() -> cluster.deleteWorker(namespace(), given.pod()));
      gone.add(given.pod());
      backoff = backoff.afterGiveUp(now, given.reason());
      LOG.warn(
          "{} {}; no worker added for {}s", marker, given.reason(), backoff.hold().toSeconds());
      recordGiveUp(given, now);
    }
    List<Pod> left = pods.stream().filter(p -> !gone.contains(p.getMetadata().getName())).toList();
    PendingPods.newestScheduled(left)
        .ifPresent(created -> backoff = backoff.afterScheduled(created));
    return left;
  }

  private void recordGiveUp(PendingPods.GiveUp given, Instant now) {
    var event =
        ScaleEvents.gaveUp(
            given,
            backoff.hold(),
            now.toEpochMilli(),
            name(),
            model.owner(),
            namespace(),
            ScaleEvents.uniqueName(model.owner()),
            reporter);
    try {
      client.v1().events().inNamespace(namespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("{} event {} not recorded: {}", marker, event.getReason(), e.getMessage());
    }
  }

  private String namespace() {
    return model.namespace();
  }

  private String name() {
    return model.spec().name();
  }

  private <T> T call(Supplier<T> action) {
    try {
      return action.get();
    } catch (KubernetesClientException e) {
      throw new BackendUnavailableException(marker + ": " + e.getMessage(), e);
    }
  }
}
