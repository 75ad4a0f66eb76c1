package io.appspark.launcher.local;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where appspark's built pieces are: the Spark home assembled by {@code spark-dist}, the
 * parent-watch agent, the example jobs, and the Java runtime to start them with. Resolved once at
 * startup from the appspark home (the repository root, which {@code ./appspark} passes in).
 */
public record Installation(
    Path home, Path sparkHome, Path parentWatchJar, Path examplesJar, Path javaHome, Path cache) {
  public static final String HOME_PROPERTY = "appspark.home";
  public static final String JARS_PROPERTY = "appspark.jars";

  /**
   * The installation in a source tree: Spark home and jars where the Maven build leaves them.
   *
   * @param jars a directory holding {@code appspark-parent-watch.jar} and {@code
   *     appspark-examples.jar}; {@code ./appspark} passes a private copy, so that a rebuild never
   *     changes the jars under a running cluster
   */
  public static Installation at(Path home, Path jars, Path javaHome) {
    return of(
        home,
        jars.resolve("appspark-parent-watch.jar"),
        jars.resolve("appspark-examples.jar"),
        javaHome);
  }

  /** The jars straight from the build's target directories (tests, development). */
  public static Installation inSourceTree(Path home, Path javaHome) {
    Path root = home.toAbsolutePath().normalize();
    return of(
        root,
        root.resolve("parent-watch/target/appspark-parent-watch.jar"),
        root.resolve("examples/target/appspark-examples.jar"),
        javaHome);
  }

  private static Installation of(Path home, Path parentWatchJar, Path examplesJar, Path javaHome) {
    Path root = home.toAbsolutePath().normalize();
    return new Installation(
        root,
        root.resolve("spark-dist/target/spark-home"),
        parentWatchJar,
        examplesJar,
        javaHome,
        defaultCache());
  }

  /** {@code $APPSPARK_CACHE}, else {@code ~/.cache/appspark}: what is built once and kept. */
  static Path defaultCache() {
    String cache = System.getenv("APPSPARK_CACHE");
    return cache == null || cache.isBlank()
        ? Path.of(System.getProperty("user.home"), ".cache", "appspark")
        : Path.of(cache);
  }

  /** From the {@code appspark.home} and {@code appspark.jars} system properties. */
  public static Installation fromSystem() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home == null || home.isBlank()) {
      throw new IllegalStateException(
          "the system property " + HOME_PROPERTY + " is not set: run appspark through ./appspark");
    }
    Path javaHome = Path.of(System.getProperty("java.home"));
    String jars = System.getProperty(JARS_PROPERTY);
    return jars == null || jars.isBlank()
        ? inSourceTree(Path.of(home), javaHome)
        : at(Path.of(home), Path.of(jars), javaHome);
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

  /**
   * Where class-data archives for this JDK and this exact set of Spark jars live: under {@code
   * $APPSPARK_CACHE} (default {@code ~/.cache/appspark}), keyed by a digest of both.
   */
  public Path classDataDirectory(Path cache) {
    StringBuilder key =
        new StringBuilder(javaHome.toString())
            .append(Runtime.version())
            .append(parentWatchJar)
            .append(parentWatchJar.toFile().length());
    try (var jars = Files.list(sparkJars())) {
      jars.sorted()
          .forEach(j -> key.append('|').append(j.getFileName()).append(j.toFile().length()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + sparkJars(), e);
    }
    String digest = Integer.toHexString(key.toString().hashCode());
    return cache.resolve("cds").resolve("spark-" + digest);
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
          what
              + " is missing ("
              + path
              + "): build it with ./appspark (it builds on first use) or ./mvnw package");
    }
  }
}
