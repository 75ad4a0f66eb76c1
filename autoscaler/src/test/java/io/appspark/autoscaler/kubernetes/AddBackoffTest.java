package io.appspark.autoscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddBackoffTest {
  private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

  @Test
  void withoutAGiveUpNothingIsHeld() {
    assertThat(AddBackoff.none().holdsUntil(T0)).isEmpty();
  }

  @Test
  void eachGiveUpDoublesTheHoldFromOneMinuteUpToTen() {
    // given-up count -> hold after it
    List<Duration> expected =
        List.of(
            Duration.ofSeconds(60),
            Duration.ofSeconds(120),
            Duration.ofSeconds(240),
            Duration.ofSeconds(480),
            Duration.ofMinutes(10),
            Duration.ofMinutes(10));
    AddBackoff backoff = AddBackoff.none();
    for (int i = 0; i < expected.size(); i++) {
      backoff = backoff.afterGiveUp(T0, "pod " + i);
      assertThat(backoff.hold()).as("after give-up %d", i + 1).isEqualTo(expected.get(i));
    }
    assertThat(backoff.why()).isEqualTo("pod 5");
  }

  @Test
  void aHoldLastsFromTheGiveUpForItsLength() {
    AddBackoff backoff = AddBackoff.none().afterGiveUp(T0, "x");
    record Row(Duration after, boolean held) {}
    for (Row row :
        List.of(
            new Row(Duration.ZERO, true),
            new Row(Duration.ofSeconds(59), true),
            new Row(Duration.ofSeconds(60), false),
            new Row(Duration.ofSeconds(61), false))) {
      assertThat(backoff.holdsUntil(T0.plus(row.after())).isPresent())
          .as("%s after the give-up", row.after())
          .isEqualTo(row.held());
    }
    assertThat(backoff.holdsUntil(T0)).contains(T0.plusSeconds(60));
  }

  @Test
  void aPodScheduledThatWasCreatedAfterTheGiveUpEndsTheBackoffAnOlderOneDoesNot() {
    AddBackoff backoff = AddBackoff.none().afterGiveUp(T0, "x").afterGiveUp(T0, "y");

    AddBackoff older = backoff.afterScheduled(T0.minusSeconds(300));
    AddBackoff newer = backoff.afterScheduled(T0.plusSeconds(1));

    assertThat(older).isEqualTo(backoff);
    assertThat(newer.holdsUntil(T0)).isEmpty();
    assertThat(newer.afterGiveUp(T0, "z").hold())
        .as("the doubling starts over")
        .isEqualTo(AddBackoff.FIRST);
  }
}
