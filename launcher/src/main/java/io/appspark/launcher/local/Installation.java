package io.appspark.launcher.local;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where appspark's built pieces are: the Spark home assembled by {@code spark-dist}, the
 * parent-watch agent, the example jobs, and the Java runtime to start them with. Resolved once at
 * startup from the appspark home (the repository root, which {@code ./appspark} passes in).
 */
public record Installation(Path home, Path sparkHome, Path parentWatchJar, Path examplesJar, Path javaHome) {
  public static final String HOME_PROPERTY = "appspark.home";

  public static Installation at(Path home, Path javaHome) {
    Path root = home.toAbsolutePath().normalize();
    return new Installation(
        root,
        root.resolve("spark-dist/target/spark-home"),
        root.resolve("parent-watch/target/appspark-parent-watch.jar"),
        root.resolve("examples/target/appspark-examples.jar"),
        javaHome);
  }

  /** From the {@code appspark.home} system property and the running JVM. */
  public static Installation fromSystem() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home == null || home.isBlank()) {
      throw new IllegalStateException(
          "the system property " + HOME_PROPERTY + " is not set: run appspark through ./appspark");
    }
    return at(Path.of(home), Path.of(System.getProperty("java.home")));
  }

  public Path sparkJars() {
    return sparkHome.resolve("jars");
  }

  /** The autoscaler's jar; its dependencies are in {@link #autoscalerLib()}. */
  public Path autoscalerJar() {
    return home.resolve("autoscaler/target/appspark-autoscaler.jar");
  }

  public Path autoscalerLib() {
    return home.resolve("autoscaler/target/lib");
  }

  public Path java() {
    return javaHome.resolve("bin/java");
  }

  /** Fails with what to run when a built piece is missing. */
  public Installation verified() {
    require(sparkJars(), "the Spark runtime");
    require(parentWatchJar, "the parent-watch agent");
    return this;
  }

  private static void require(Path path, String what) {
    if (!Files.exists(path)) {
      throw new IllegalStateException(
          what + " is missing (" + path + "): build it with ./appspark (it builds on first use) or ./mvnw package");
    }
  }
}
