package io.appspark.autoscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class LeaderLabelTest {
  @Test
  void theLeaderSetsTheLabelTheServiceSelectsAndAStandbyRemovesIt() throws Exception {
    ObjectMapper json = new ObjectMapper();

    var set = json.readTree(LeaderLabel.patch(true)).path("metadata").path("labels");
    var removed = json.readTree(LeaderLabel.patch(false)).path("metadata").path("labels");

    assertThat(set.path("appspark.io/autoscaler-leader").asText()).isEqualTo("true");
    assertThat(removed.has("appspark.io/autoscaler-leader")).isTrue();
    assertThat(removed.path("appspark.io/autoscaler-leader").isNull())
        .as("null removes a key in a JSON merge patch")
        .isTrue();
  }
}
