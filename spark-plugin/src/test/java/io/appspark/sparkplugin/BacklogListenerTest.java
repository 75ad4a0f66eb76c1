package io.appspark.sparkplugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Success$;
import org.apache.spark.TaskState;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.scheduler.TaskLocality;
import org.junit.jupiter.api.Test;

class BacklogListenerTest {
  final List<Integer> pushed = new ArrayList<>();

  @Test
  void aSubmittedStageNeedsItsTasksWorthOfExecutorsAtOnce() {
    BacklogListener listener = new BacklogListener(2, 1.0, 100, pushed::add);

    listener.onStageSubmitted(new SparkListenerStageSubmitted(stage(1, 7), null));

    assertThat(listener.neededExecutors()).isEqualTo(4);
    assertThat(pushed).containsExactly(4);
  }

  @Test
  void finishedTasksAndStagesLowerTheFigureWithoutAPush() {
    BacklogListener listener = new BacklogListener(1, 1.0, 100, pushed::add);
    StageInfo stage = stage(1, 3);
    listener.onStageSubmitted(new SparkListenerStageSubmitted(stage, null));

    listener.onTaskEnd(taskEnd(1));
    assertThat(listener.neededExecutors()).isEqualTo(2);
    listener.onStageCompleted(new SparkListenerStageCompleted(stage));

    assertThat(listener.neededExecutors()).isZero();
    assertThat(pushed).containsExactly(3);
  }

  @Test
  void neverMoreThanMaxExecutorsAndTheAllocationRatioApplies() {
    BacklogListener capped = new BacklogListener(1, 1.0, 5, pushed::add);
    BacklogListener halved = new BacklogListener(1, 0.5, 100, n -> {});

    capped.onStageSubmitted(new SparkListenerStageSubmitted(stage(1, 40), null));
    halved.onStageSubmitted(new SparkListenerStageSubmitted(stage(1, 9), null));

    assertThat(capped.neededExecutors()).isEqualTo(5);
    assertThat(halved.neededExecutors()).isEqualTo(5);
  }

  private static StageInfo stage(int id, int tasks) {
    return new StageInfo(
        id,
        0,
        "stage " + id,
        tasks,
        none(),
        none(),
        "",
        null,
        none(),
        scala.Option.empty(),
        0,
        false,
        0);
  }

  private static <T> scala.collection.immutable.Seq<T> none() {
    return scala.collection.immutable.List$.MODULE$.empty();
  }

  private static SparkListenerTaskEnd taskEnd(int stageId) {
    TaskInfo info =
        new TaskInfo(0L, 0, 0, 0, 0L, "exec-1", "127.0.0.1", TaskLocality.PROCESS_LOCAL(), false);
    info.markFinished(TaskState.FINISHED(), 1L);
    return new SparkListenerTaskEnd(stageId, 0, "ResultTask", Success$.MODULE$, info, null, null);
  }
}
