package io.appspark.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.launcher.local.ClusterState.WorkerProcess;
import io.appspark.launcher.spark.MasterState;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetirementChoiceTest {
  private final WorkerProcess w1 = new WorkerProcess(1, 101, 9001, false);
  private final WorkerProcess w2 = new WorkerProcess(2, 102, 9002, false);
  private final WorkerProcess w3 = new WorkerProcess(3, 103, 9003, false);

  @Test
  void idleWorkersGoBeforeBusyOnes() {
    MasterState master = master(worker(9001, 0), worker(9002, 2), worker(9003, 0));

    assertThat(RetirementChoice.choose(List.of(w1, w2, w3), master, 2)).containsExactly(w3, w1);
  }

  @Test
  void aBusyWorkerIsChosenOnlyWhenTooFewAreIdleAndThenTheLeastBusy() {
    MasterState master = master(worker(9001, 2), worker(9002, 1), worker(9003, 0));

    assertThat(RetirementChoice.choose(List.of(w1, w2, w3), master, 2)).containsExactly(w3, w2);
  }

  @Test
  void withoutMasterStateTheNewestGoFirst() {
    assertThat(RetirementChoice.choose(List.of(w1, w2, w3), null, 1)).containsExactly(w3);
  }

  @Test
  void nothingIsChosenForANonPositiveCount() {
    assertThat(RetirementChoice.choose(List.of(w1), null, 0)).isEmpty();
    assertThat(RetirementChoice.choose(List.of(w1), null, -1)).isEmpty();
  }

  private static MasterState.Worker worker(int port, int coresUsed) {
    return new MasterState.Worker(
        "w" + port, "127.0.0.1", port, "", 2, coresUsed, 1024, 0, "ALIVE", 0);
  }

  private static MasterState master(MasterState.Worker... workers) {
    return new MasterState("spark://x", "ALIVE", workers.length, 0, 0, List.of(workers), List.of());
  }
}
