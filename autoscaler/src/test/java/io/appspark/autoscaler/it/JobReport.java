package io.appspark.autoscaler.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/** The report ElasticJob's driver writes about itself (see the examples module). */
public record JobReport(JsonNode json) {
  public static JobReport read(Path file) throws IOException {
    return new JobReport(new ObjectMapper().readTree(file.toFile()));
  }

  public long result() {
    return json.path("result").asLong();
  }

  public long expected() {
    return json.path("expected").asLong(-1);
  }

  public int failedTasks() {
    return json.path("failedTasks").asInt(-1);
  }

  public int retriedStages() {
    return json.path("retriedStages").asInt(-1);
  }

  public int executorsAdded() {
    int n = 0;
    for (JsonNode e : json.path("executors")) {
      n += "added".equals(e.path("event").asText()) ? 1 : 0;
    }
    return n;
  }
}
