package io.appspark.autoscaler.kubernetes;

import io.appspark.autoscaler.backend.BackendUnavailableException;
import io.appspark.autoscaler.backend.Observation;
import io.appspark.autoscaler.backend.WorkerBackend;
import io.appspark.autoscaler.policy.WorkerView;
import io.appspark.launcher.kubernetes.KubernetesCluster;
import io.appspark.launcher.kubernetes.model.ClusterModel;
import io.appspark.launcher.spark.MasterClient;
import io.appspark.launcher.spark.MasterState;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker pods on Kubernetes. The pods themselves are the state: they are found by their labels, so
 * a restarted autoscaler (or a new leader) adopts every worker that exists. New pods are created
 * with server-side apply; a worker retires by deleting its pod, whose SIGTERM the image's
 * entrypoint turns into Spark decommissioning and a drain (the pod's grace period is the
 * decommission timeout plus 30 s).
 */
public final class KubernetesWorkerBackend implements WorkerBackend {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesWorkerBackend.class);

  private final KubernetesClient client;
  private final KubernetesCluster cluster;
  private final ClusterModel model;
  private final MasterClient master;
  private final String marker;

  public KubernetesWorkerBackend(KubernetesClient client, ClusterModel model, MasterClient master) {
    this.client = client;
    this.cluster = new KubernetesCluster(client);
    this.model = model;
    this.master = master;
    this.marker = "kubernetes(" + model.namespace() + "/" + model.spec().name() + ")";
  }

  @Override
  public Observation observe() {
    Optional<MasterState> state = master.state();
    List<WorkerView> workers = workers(state);
    return new Observation(workers, state.map(MasterState::activeApps).orElse(List.of()));
  }

  @Override
  public void requestWorkers(int total) {
    long counted =
        workers(master.state()).stream()
            .filter(w -> w.phase() != WorkerView.Phase.RETIRING)
            .count();
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
      call(() -> client.pods().inNamespace(model.namespace()).withName(pod).delete());
      LOG.info("{} retiring worker pod {} (decommissions on SIGTERM)", marker, pod);
    }
  }

  @Override
  public String describe() {
    return marker;
  }

  private List<WorkerView> workers(Optional<MasterState> state) {
    return WorkerPods.join(
        call(() -> cluster.workerPods(model.namespace(), model.spec().name())),
        state,
        model.spec().workers().cores());
  }

  private <T> T call(Supplier<T> action) {
    try {
      return action.get();
    } catch (KubernetesClientException e) {
      throw new BackendUnavailableException(marker + ": " + e.getMessage(), e);
    }
  }
}
