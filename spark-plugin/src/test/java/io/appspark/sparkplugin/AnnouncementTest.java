package io.appspark.sparkplugin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnnouncementTest {
  @Test
  void writesJsonWithEscapedTextAndNullForAMissingUi() {
    Announcement a = new Announcement("app-1", "say \"hi\"\\\n", null, true, 2, 0, 3);

    assertThat(a.toJson())
        .isEqualTo(
            "{\"appId\":\"app-1\",\"appName\":\"say \\\"hi\\\"\\\\\\u000a\",\"uiUrl\":null,"
                + "\"dynamicAllocation\":true,\"executorCores\":2,\"coresMax\":0,\"neededExecutors\":3}");
  }
}
