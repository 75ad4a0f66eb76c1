package io.appspark.launcher.cli;

import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.spec.ClusterSpec;
import io.appspark.launcher.spec.SpecOverrides;
import io.appspark.launcher.spec.SpecReader;
import io.appspark.launcher.spec.SpecText;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options that describe a cluster: a spec file and the flags that override it. */
final class SpecOptions {
  @Option(
      names = {"-f", "--file"},
      paramLabel = "SPEC.yaml",
      description = "Cluster spec (YAML); see README for its fields.")
  Path file;

  @Option(
      names = "--name",
      description = "Cluster name (default: the spec's, else $APPSPARK_CLUSTER, else 'appspark').")
  String name;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description = "Workers to start with (the spec's workers.initial).")
  Integer workers;

  @Option(
      names = "--connect",
      description = "Also start a Spark Connect server (the spec's connect.enabled).")
  boolean connect;

  private String text = "";

  /**
   * The spec file's text as {@link #load} read it (empty without a file): what the autoscaler gets.
   */
  String text() {
    return text;
  }

  ClusterSpec load(String defaultName) {
    if (file == null) {
      // Without -f the defaults apply; an empty file given with -f is refused by the reader.
      text = "";
      return SpecReader.defaults(
          overrides(Optional.ofNullable(name).or(() -> Optional.of(defaultName))));
    }
    try {
      text = SpecText.read(file);
    } catch (NoSuchFileException e) {
      throw new LauncherException(ExitCode.USAGE, "--file: no such file: " + file);
    } catch (IOException e) {
      throw new LauncherException(
          ExitCode.USAGE, "--file: cannot read " + file + ": " + e.getMessage());
    }
    return SpecReader.read(text, file.toString(), overrides(Optional.ofNullable(name)));
  }

  private SpecOverrides overrides(Optional<String> nameOverride) {
    return new SpecOverrides(nameOverride, Optional.ofNullable(workers), connect);
  }
}
