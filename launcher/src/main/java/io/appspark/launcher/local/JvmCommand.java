package io.appspark.launcher.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A process to start: its command line, extra environment, working directory and log file. */
public record JvmCommand(
    List<String> command, Map<String, String> environment, Path workingDirectory, Path logFile) {
  public JvmCommand {
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
  }

  /** Names the environment's variables, not their values: one of them may be a secret. */
  @Override
  public String toString() {
    return "JvmCommand[command="
        + command
        + ", environment="
        + new java.util.TreeSet<>(environment.keySet())
        + ", workingDirectory="
        + workingDirectory
        + ", logFile="
        + logFile
        + "]";
  }
}
