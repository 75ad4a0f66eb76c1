package io.appspark.autoscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.autoscaler.policy.WorkerView;
import io.appspark.autoscaler.policy.WorkerView.Phase;
import io.appspark.launcher.spark.MasterState;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerPodsTest {
  private static final Pod IDLE = pod("shop-spark-worker-aaaaa", "10.0.0.1", "Running");
  private static final Pod BUSY = pod("shop-spark-worker-bbbbb", "10.0.0.2", "Running");
  private static final Pod STARTING = pod("shop-spark-worker-ccccc", null, "Pending");
  private static final Pod DONE = pod("shop-spark-worker-ddddd", "10.0.0.4", "Succeeded");

  private static final MasterState MASTER =
      master(
          worker("10.0.0.1", 2, 0, "ALIVE"),
          worker("10.0.0.2", 2, 2, "ALIVE"),
          worker("10.0.0.9", 2, 0, "DEAD"));

  @Test
  void podsAreJoinedWithTheMastersWorkersByPodIp() {
    List<WorkerView> views =
        WorkerPods.join(List.of(STARTING, BUSY, IDLE, DONE), Optional.of(MASTER), 2);

    assertThat(views)
        .extracting(WorkerView::id, WorkerView::phase, WorkerView::coresUsed)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("shop-spark-worker-aaaaa", Phase.ACTIVE, 0),
            org.assertj.core.groups.Tuple.tuple("shop-spark-worker-bbbbb", Phase.ACTIVE, 2),
            org.assertj.core.groups.Tuple.tuple("shop-spark-worker-ccccc", Phase.PENDING, 0));
  }

  @Test
  void aPodBeingDeletedOrADecommissionedWorkerIsRetiring() {
    Pod deleting =
        new PodBuilder(IDLE)
            .editMetadata()
            .withDeletionTimestamp("2026-01-01T00:00:00Z")
            .endMetadata()
            .build();
    MasterState decommissioning = master(worker("10.0.0.2", 2, 1, "DECOMMISSIONED"));

    assertThat(WorkerPods.join(List.of(deleting), Optional.of(MASTER), 2))
        .singleElement()
        .extracting(WorkerView::phase)
        .isEqualTo(Phase.RETIRING);
    assertThat(WorkerPods.join(List.of(BUSY), Optional.of(decommissioning), 2))
        .singleElement()
        .extracting(WorkerView::phase)
        .isEqualTo(Phase.RETIRING);
  }

  @Test
  void withoutTheMastersStateEveryLivePodIsPendingSoNoneIsRetired() {
    List<WorkerView> views = WorkerPods.join(List.of(IDLE, BUSY, DONE), Optional.empty(), 2);

    assertThat(views).extracting(WorkerView::phase).containsOnly(Phase.PENDING).hasSize(2);
    assertThat(views).extracting(WorkerView::cores).containsOnly(2);
  }

  @Test
  void aBusyWorkerIsRefusedRetirementAndAnUnknownOneIgnored() {
    List<WorkerView> views = WorkerPods.join(List.of(IDLE, BUSY), Optional.of(MASTER), 2);

    WorkerPods.Retirement retirement =
        WorkerPods.retirable(
            List.of("shop-spark-worker-aaaaa", "shop-spark-worker-bbbbb", "gone"), views);

    assertThat(retirement.retire()).containsExactly("shop-spark-worker-aaaaa");
    assertThat(retirement.refusedBusy()).containsExactly("shop-spark-worker-bbbbb");
  }

  private static Pod pod(String name, String ip, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withPodIP(ip)
        .withPhase(phase)
        .endStatus()
        .build();
  }

  private static MasterState.Worker worker(String host, int cores, int used, String state) {
    return new MasterState.Worker(
        "worker-" + host, host, 7078, "http://" + host + ":8081", cores, used, 1024, 0, state, 0);
  }

  private static MasterState master(MasterState.Worker... workers) {
    return new MasterState("spark://m:7077", "ALIVE", 0, 0, 0, List.of(workers), List.of());
  }
}
