package io.appspark.autoscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appspark.autoscaler.FakeBackend;
import io.appspark.autoscaler.backend.BackendUnavailableException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class LeaderOnlyBackendTest {
  @Test
  void aStandbyNeitherObservesNorActsAndSaysWhoLeads() {
    FakeBackend fake = new FakeBackend();
    AtomicBoolean leading = new AtomicBoolean(false);
    LeaderOnlyBackend backend = new LeaderOnlyBackend(fake, leading::get, () -> "replica-a");

    assertThatThrownBy(backend::observe)
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessage("standing by: replica-a leads");
    assertThatThrownBy(() -> backend.requestWorkers(3))
        .isInstanceOf(BackendUnavailableException.class);
    assertThatThrownBy(() -> backend.retire(List.of("w")))
        .isInstanceOf(BackendUnavailableException.class);

    leading.set(true);
    backend.requestWorkers(3);

    assertThat(backend.observe().workers()).hasSize(3);
  }
}
