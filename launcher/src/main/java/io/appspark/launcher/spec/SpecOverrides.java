package io.appspark.launcher.spec;

import java.util.Optional;

/** Values given on the command line; they win over the spec file. */
public record SpecOverrides(Optional<String> name, Optional<Integer> workers) {
  public static SpecOverrides none() {
    return new SpecOverrides(Optional.empty(), Optional.empty());
  }
}
