package io.appspark.apptemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A project generated from the archetype the way a user does it ({@code mvn archetype:generate}),
 * with the archetype and the appspark artifacts it needs taken from the local Maven repository,
 * where invoker:install put this build's copies. Public, in this module's test jar, for the e2e
 * tests that deploy a generated app on a real node.
 */
public final class GeneratedProject {
  public static final Path HOME =
      Path.of(System.getProperty("appspark.home", "../..")).toAbsolutePath().normalize();
  static final String PACKAGE = "com.example.scoring";

  private GeneratedProject() {}

  /** Generates {@code artifactId} into {@code parent}; returns the project's directory. */
  public static Path generate(Path parent, String artifactId) {
    return generate(parent, artifactId, List.of());
  }

  /** Generates with archetype properties of the caller's ({@code -DsparkImage=...}) too. */
  public static Path generate(Path parent, String artifactId, List<String> properties) {
    Path log = parent.resolve("generate-" + artifactId + ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                maven(),
                "-B",
                "-ntp",
                "-o",
                "-Dmaven.repo.local=" + localRepository(),
                "org.apache.maven.plugins:maven-archetype-plugin:"
                    + System.getProperty("archetype.version")
                    + ":generate",
                "-DarchetypeGroupId=io.appspark",
                "-DarchetypeArtifactId=appspark-app-archetype",
                "-DarchetypeVersion=" + System.getProperty("appspark.version"),
                "-DgroupId=com.example",
                "-DartifactId=" + artifactId,
                "-Dversion=1.0.0-SNAPSHOT",
                "-Dpackage=" + PACKAGE,
                "-DinteractiveMode=false"));
    command.addAll(properties);
    int exit = run(parent, log, Map.of(), Duration.GENERATE, command.toArray(String[]::new));
    if (exit != 0) {
      throw new AssertionError("archetype:generate exited " + exit + ":\n" + read(log));
    }
    return parent.resolve(artifactId);
  }

  /** The local repository of this build, where invoker:install put the archetype. */
  public static String localRepository() {
    return System.getProperty(
        "maven.repo.local",
        Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
  }

  /** The Maven running this build ({@code maven.home}), else {@code mvn} from the PATH. */
  public static String maven() {
    String home = System.getProperty("maven.home");
    return home == null || home.isBlank() ? "mvn" : Path.of(home, "bin", "mvn").toString();
  }

  /**
   * A stand-in for {@code $APPSPARK_HOME/appspark} that runs the CLI from this build's jars: the
   * script itself would first rebuild appspark with Maven, inside this build.
   */
  static Path cliShim(Path dir) {
    try {
      Path bin = Files.createDirectories(dir.resolve("bin"));
      Path shim = bin.resolve("appspark");
      Files.writeString(
          shim,
          "#!/usr/bin/env bash\n"
              + "exec '"
              + Path.of(System.getProperty("java.home"), "bin", "java")
              + "' -Dappspark.home='"
              + HOME
              + "' -Dappspark.log.level=\"${APPSPARK_LOG_LEVEL:-warn}\" -cp '"
              + HOME.resolve("launcher/target/appspark-launcher.jar")
              + ":"
              + HOME.resolve("launcher/target/lib")
              + "/*' io.appspark.launcher.cli.Main \"$@\"\n");
      if (!shim.toFile().setExecutable(true)) {
        throw new IOException("cannot make " + shim + " executable");
      }
      return shim;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public enum Duration {
    GENERATE(5),
    BUILD(40);

    final int minutes;

    Duration(int minutes) {
      this.minutes = minutes;
    }
  }

  public static int run(
      Path dir, Path log, Map<String, String> env, Duration bound, String... command) {
    ProcessBuilder builder =
        new ProcessBuilder(List.of(command))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    try {
      Process p = builder.start();
      if (!p.waitFor(bound.minutes, TimeUnit.MINUTES)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError(
            String.join(" ", command) + ": no end in " + bound.minutes + " minutes:\n" + read(log));
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> tail(String text, int lines) {
    List<String> all = new ArrayList<>(text.lines().toList());
    return all.subList(Math.max(0, all.size() - lines), all.size());
  }

  /**
   * Runs {@code appspark render} of {@code dir/appspark.yaml} for Deployment {@code app} (a fixed
   * uid, label {@code app=<app>}, no cluster asked) and returns the YAML it printed; fails the test
   * if render fails.
   */
  static String render(Path dir, String namespace, String app) throws java.io.IOException {
    Path shim = cliShim(dir.getParent());
    Path rendered = dir.resolve("rendered.yaml");
    int exit =
        run(
            dir,
            rendered,
            java.util.Map.of("APPSPARK_STATE_DIR", dir.resolve("state").toString()),
            Duration.GENERATE,
            shim.toString(),
            "render",
            "-n",
            namespace,
            "-f",
            "appspark.yaml",
            "--owner",
            "deployment/" + app,
            "--owner-uid",
            "00000000-0000-0000-0000-000000000000",
            "--owner-label",
            "app=" + app);
    org.assertj.core.api.Assertions.assertThat(exit).as(read(rendered)).isZero();
    return java.nio.file.Files.readString(rendered);
  }
}
