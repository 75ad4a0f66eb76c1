package io.appspark.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ControlServerTest {
  @Test
  void workerIdsBecomeOrdinals() {
    assertThat(ControlServer.ordinals("worker-3, worker-12")).containsExactly(3, 12);
  }

  @Test
  void aMalformedWorkerIdIsRefusedNamingIt() {
    assertThatThrownBy(() -> ControlServer.ordinals("worker-3,w4"))
        .hasMessageContaining("'w4'")
        .hasMessageContaining("worker-3");
    assertThatThrownBy(() -> ControlServer.ordinals(""))
        .hasMessageContaining("workers=worker-3,worker-4");
  }
}
