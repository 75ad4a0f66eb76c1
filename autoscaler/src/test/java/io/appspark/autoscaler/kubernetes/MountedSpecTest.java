package io.appspark.autoscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appspark.launcher.spec.InvalidSpecException;
import org.junit.jupiter.api.Test;

/** The autoscaler reads its mounted spec as the CLI reads a spec file. */
class MountedSpecTest {
  @Test
  void anEmptyMountIsTheDefaultsUnderTheClusterName() {
    assertThat(KubernetesAutoscaler.readSpec("", "appspark.yaml", "shop").name()).isEqualTo("shop");
  }

  @Test
  void aSpecWithADuplicateKeyIsRefusedNamingIt() {
    assertThatThrownBy(
            () ->
                KubernetesAutoscaler.readSpec(
                    "workers:\n  max: 2\n  max: 3\n", "appspark.yaml", "shop"))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("workers.max: is given twice, at lines 2 and 3");
  }

  @Test
  void aSpecOfOnlyCommentsIsRefusedAsEmpty() {
    assertThatThrownBy(() -> KubernetesAutoscaler.readSpec("# nothing\n", "appspark.yaml", "shop"))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("(file): is empty");
  }
}
