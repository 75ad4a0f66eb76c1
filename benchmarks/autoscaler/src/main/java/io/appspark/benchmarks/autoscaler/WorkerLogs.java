package io.appspark.benchmarks.autoscaler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** What a worker's own log says about when things happened to it. */
final class WorkerLogs {
  private static final String REGISTERED = "Successfully registered with master";
  private static final String EXECUTOR_LAUNCHED = "ExecutorRunner: Launch command:";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  private WorkerLogs() {}

  /** The instant of the worker's first registration with the master, from its log line. */
  static Optional<Long> registeredMillis(Path log) {
    return registeredMillis(lines(log), ZoneId.systemDefault());
  }

  private static List<String> lines(Path log) {
    try {
      return Files.readAllLines(log);
    } catch (IOException e) {
      return List.of();
    }
  }

  static Optional<Long> registeredMillis(List<String> lines, ZoneId zone) {
    return first(lines, REGISTERED, zone);
  }

  /**
   * The instant the worker launched its first executor's process: the line it writes as it starts
   * the process, right before it reports the executor RUNNING to the master.
   */
  static Optional<Long> executorLaunchedMillis(Path log) {
    return executorLaunchedMillis(lines(log), ZoneId.systemDefault());
  }

  static Optional<Long> executorLaunchedMillis(List<String> lines, ZoneId zone) {
    return first(lines, EXECUTOR_LAUNCHED, zone);
  }

  private static Optional<Long> first(List<String> lines, String marker, ZoneId zone) {
    return lines.stream()
        .filter(l -> l.contains(marker) && l.length() > 23)
        .findFirst()
        .flatMap(l -> parse(l.substring(0, 23), zone));
  }

  private static Optional<Long> parse(String stamp, ZoneId zone) {
    try {
      return Optional.of(LocalDateTime.parse(stamp, STAMP).atZone(zone).toInstant().toEpochMilli());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
