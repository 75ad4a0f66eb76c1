package io.appspark.parentwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatchedProcessTest {

  @Test
  void theCurrentProcessIsAlive() {
    var watched = WatchParent.WatchedProcess.parse(Long.toString(ProcessHandle.current().pid()));
    assertThat(watched.isAlive()).isTrue();
  }

  @Test
  void aReusedPidWithAnotherStartTimeCountsAsGone() {
    var watched =
        new WatchParent.WatchedProcess(ProcessHandle.current().pid(), Optional.of(Instant.EPOCH));
    assertThat(watched.isAlive()).isFalse();
  }

  @Test
  void aFinishedProcessIsGone() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    var watched = new WatchParent.WatchedProcess(p.pid(), Optional.empty());
    assertThat(watched.isAlive()).isFalse();
  }

  @Test
  void aMissingPidIsRefusedWithTheExpectedForm() {
    assertThatThrownBy(() -> WatchParent.WatchedProcess.parse("abc"))
        .hasMessageContaining("WatchParent 1234 org.example.Main");
  }
}
