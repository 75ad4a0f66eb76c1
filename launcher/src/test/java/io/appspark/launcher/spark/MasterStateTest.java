package io.appspark.launcher.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Against JSON captured from a real Spark 4.2.0 master while one of two workers decommissioned. */
class MasterStateTest {
  private final MasterState state = read("/master-decommissioning.json");

  @Test
  void readsWorkersAndApps() {
    assertThat(state.status()).isEqualTo("ALIVE");
    assertThat(state.aliveWorkerCount()).isEqualTo(1);
    assertThat(state.workers()).hasSize(2);
    assertThat(state.activeApps())
        .singleElement()
        .satisfies(
            app -> {
              assertThat(app.name()).isEqualTo("appspark-demo-customer-churn");
              assertThat(app.state()).isEqualTo("RUNNING");
              assertThat(app.cores()).isEqualTo(1);
            });
  }

  @Test
  void aDecommissionedWorkerIsNotAlive() {
    assertThat(state.workerOnPort(37277))
        .get()
        .satisfies(
            w -> {
              assertThat(w.state()).isEqualTo("DECOMMISSIONED");
              assertThat(w.isAlive()).isFalse();
            });
    assertThat(state.aliveWorkers()).extracting(MasterState.Worker::port).containsExactly(36725);
  }

  @Test
  void anUnknownPortHasNoWorker() {
    assertThat(state.workerOnPort(1)).isEmpty();
  }

  private static MasterState read(String resource) {
    try (InputStream in = MasterStateTest.class.getResourceAsStream(resource)) {
      return new ObjectMapper().readValue(in, MasterState.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
