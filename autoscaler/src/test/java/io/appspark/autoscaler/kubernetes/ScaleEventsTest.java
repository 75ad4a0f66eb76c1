package io.appspark.autoscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.autoscaler.loop.DecisionRecord;
import io.appspark.launcher.kubernetes.model.AppOwner;
import io.fabric8.kubernetes.api.model.Event;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleEventsTest {
  private static final AppOwner OWNER = new AppOwner("shop", "uid-1", Map.of("app", "shop"));
  private static final long AT = 1_800_000_000_123L;

  @Test
  void anAddBecomesAnEventOnTheAppsDeploymentWithTheDecisionsReason() {
    DecisionRecord add =
        new DecisionRecord(AT, "add", 3, List.of(), 3, "add 3: 7 executor(s) wanted");

    Event event =
        ScaleEvents.of(add, "shop", OWNER, "team-a", "shop.1f", "shop-autoscaler-x").orElseThrow();

    assertThat(event.getMetadata().getName()).isEqualTo("shop.1f");
    assertThat(event.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(event.getMetadata().getLabels()).containsEntry("appspark.io/cluster", "shop");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("Deployment");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("shop");
    assertThat(event.getInvolvedObject().getUid()).isEqualTo("uid-1");
    assertThat(event.getReason()).isEqualTo("WorkersAdded");
    assertThat(event.getMessage()).isEqualTo("add 3: 7 executor(s) wanted");
    assertThat(event.getType()).isEqualTo("Normal");
    assertThat(event.getSource().getComponent()).isEqualTo("appspark-autoscaler");
    assertThat(event.getSource().getHost()).isEqualTo("shop-autoscaler-x");
    assertThat(event.getFirstTimestamp()).isEqualTo("2027-01-15T08:00:00Z");
  }

  @Test
  void aRetirementIsRecordedAndAHoldIsNot() {
    DecisionRecord retire =
        new DecisionRecord(AT, "retire", 1, List.of("w-1"), 1, "retire w-1: idle for 60s");
    DecisionRecord hold = new DecisionRecord(AT, "hold", 0, List.of(), 1, "hold: 1 wanted");

    assertThat(ScaleEvents.of(retire, "shop", OWNER, "team-a", "e", "me"))
        .get()
        .extracting(Event::getReason)
        .isEqualTo("WorkersRetired");
    assertThat(ScaleEvents.of(hold, "shop", OWNER, "team-a", "e", "me")).isEmpty();
  }

  @Test
  void aGivenUpPodBecomesAWarningWithTheSchedulersReasonAndTheHold() {
    PendingPods.GiveUp given =
        new PendingPods.GiveUp(
            "shop-spark-worker-bcdfg",
            java.time.Duration.ofSeconds(125),
            "0/1 nodes are available");

    Event event =
        ScaleEvents.gaveUp(
            given, java.time.Duration.ofSeconds(60), AT, "shop", OWNER, "team-a", "e", "me");

    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("WorkerUnschedulable");
    assertThat(event.getMessage())
        .isEqualTo(
            "gave up worker pod shop-spark-worker-bcdfg: not scheduled after 125s"
                + " (0/1 nodes are available); no worker added for 60s");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("shop");
    assertThat(ScaleEvents.uniqueName(OWNER)).startsWith("shop.").hasSize("shop.".length() + 16);
  }
}
