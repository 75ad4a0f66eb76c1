package io.appspark.autoscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingPodsTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String NO_ROOM = "0/1 nodes are available: 1 Insufficient cpu.";

  /** A pod, its age, and whether it is given up. */
  private record Row(String what, Pod pod, boolean givenUp) {}

  @Test
  void onlyAPodUnscheduledForLongerThanTheTimeoutIsGivenUp() {
    List<Row> rows =
        List.of(
            new Row("unscheduled 121 s", pod("a", 121, "Pending", null, NO_ROOM), true),
            new Row("unscheduled 120 s", pod("b", 120, "Pending", null, NO_ROOM), false),
            new Row("unscheduled 5 s", pod("c", 5, "Pending", null, NO_ROOM), false),
            new Row("scheduled, still pulling", pod("d", 600, "Pending", "node-1", null), false),
            new Row("running", pod("e", 600, "Running", "node-1", null), false),
            new Row("ended", pod("f", 600, "Failed", "node-1", null), false),
            new Row("being deleted", deleting(pod("g", 600, "Pending", null, NO_ROOM)), false));
    for (Row row : rows) {
      assertThat(PendingPods.toGiveUp(List.of(row.pod()), NOW, TIMEOUT))
          .as(row.what())
          .hasSize(row.givenUp() ? 1 : 0);
    }
  }

  @Test
  void aGiveUpSaysWhichPodHowLongAndTheSchedulersReasonOldestFirst() {
    List<PendingPods.GiveUp> given =
        PendingPods.toGiveUp(
            List.of(
                pod("young", 130, "Pending", null, null),
                pod("old", 300, "Pending", null, NO_ROOM)),
            NOW,
            TIMEOUT);

    assertThat(given).extracting(PendingPods.GiveUp::pod).containsExactly("old", "young");
    assertThat(given.get(0).reason())
        .isEqualTo("gave up worker pod old: not scheduled after 300s (" + NO_ROOM + ")");
    assertThat(given.get(1).why()).isEqualTo("no reason given by the scheduler");
  }

  @Test
  void theNewestScheduledPodIsTheOneThatShowsThereIsRoom() {
    assertThat(
            PendingPods.newestScheduled(
                List.of(
                    pod("running", 300, "Running", "node-1", null),
                    pod("placed", 10, "Pending", "node-1", null),
                    pod("waiting", 1, "Pending", null, NO_ROOM),
                    pod("ended", 0, "Succeeded", "node-1", null))))
        .contains(NOW.minusSeconds(10));
    assertThat(PendingPods.newestScheduled(List.of(pod("w", 1, "Pending", null, NO_ROOM))))
        .isEmpty();
  }

  private static Pod pod(String name, long ageSeconds, String phase, String node, String why) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withCreationTimestamp(NOW.minusSeconds(ageSeconds).toString())
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .endStatus();
    if (why != null) {
      pod.editStatus()
          .addNewCondition()
          .withType("PodScheduled")
          .withStatus("False")
          .withReason("Unschedulable")
          .withMessage(why)
          .endCondition()
          .endStatus();
    }
    return pod.build();
  }

  private static Pod deleting(Pod pod) {
    return new PodBuilder(pod)
        .editMetadata()
        .withDeletionTimestamp(NOW.toString())
        .endMetadata()
        .build();
  }
}
