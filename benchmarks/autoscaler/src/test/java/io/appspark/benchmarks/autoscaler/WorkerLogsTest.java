package io.appspark.benchmarks.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerLogsTest {
  @Test
  void theRegistrationIsTheFirstLineSayingSoToTheMillisecond() {
    List<String> log =
        List.of(
            "2026-11-29 21:51:54.010 INFO Worker: Starting Spark worker 127.0.0.1:4242",
            "2026-11-29 21:51:56.236 INFO Worker: Successfully registered with master spark://m:7077",
            "2026-11-29 21:59:01.000 INFO Worker: Successfully registered with master spark://m:7077");

    assertThat(WorkerLogs.registeredMillis(log, ZoneOffset.UTC))
        .contains(
            LocalDateTime.of(2026, 11, 29, 21, 51, 56, 236_000_000)
                .toInstant(ZoneOffset.UTC)
                .toEpochMilli());
  }

  @Test
  void aWorkerThatNeverRegisteredHasNoInstant() {
    assertThat(
            WorkerLogs.registeredMillis(
                List.of("2026-11-29 21:51:54.010 INFO Worker: Connecting to master m:7077..."),
                ZoneOffset.UTC))
        .isEmpty();
  }

  @Test
  void aLineWithoutItsTimestampIsNotTakenForOne() {
    assertThat(
            WorkerLogs.registeredMillis(
                List.of("INFO Worker: Successfully registered with master spark://m:7077"),
                ZoneOffset.UTC))
        .isEmpty();
  }
}
