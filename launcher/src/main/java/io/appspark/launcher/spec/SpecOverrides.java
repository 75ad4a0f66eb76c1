package io.appspark.launcher.spec;

import java.util.Optional;

/**
 * Values given on the command line; they win over the spec file.
 *
 * @param connect {@code true} starts a Spark Connect server whatever the file says ({@code
 *     --connect}); {@code false} leaves it to the file
 */
public record SpecOverrides(Optional<String> name, Optional<Integer> workers, boolean connect) {
  public SpecOverrides(Optional<String> name, Optional<Integer> workers) {
    this(name, workers, false);
  }

  public static SpecOverrides none() {
    return new SpecOverrides(Optional.empty(), Optional.empty());
  }
}
