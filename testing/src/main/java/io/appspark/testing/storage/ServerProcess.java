package io.appspark.testing.storage;

import io.appspark.testing.ServerProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A storage server run as its own JVM from the jars the testing module copied to {@code
 * target/servers/<name>}, so that its libraries never meet the test's. It owns a temporary
 * directory (its data, configuration and log) and removes it, and the process, when closed or when
 * the JVM ends.
 */
final class ServerProcess implements AutoCloseable {
  /** Where the servers' jars are, when not found above the working directory. */
  static final String SERVERS_PROPERTY = "appspark.testing.servers";

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  private final Process process;
  private final Path dir;
  private final Thread shutdownHook;

  private ServerProcess(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
    this.shutdownHook = new Thread(this::stop, "storage-server-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * An HTTP request to a server, its failures unchecked: a test cannot go on without the answer.
   */
  static <T> java.net.http.HttpResponse<T> send(
      java.net.http.HttpRequest request, java.net.http.HttpResponse.BodyHandler<T> body) {
    try {
      return HTTP.send(request, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A fresh directory for a server called {@code name}. */
  static Path newDirectory(String name) {
    try {
      return Files.createTempDirectory("appspark-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code java -cp target/servers/<name>/* args...} in {@code dir} and waits until {@code
   * ready} holds.
   */
  static ServerProcess start(String name, Path dir, List<String> args, BooleanSupplier ready) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(jars(name) + "/*");
    cmd.addAll(args);
    try {
      Process process =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve(name + ".log").toFile())
              .start();
      ServerProcess server = new ServerProcess(process, dir);
      server.awaitReady(name, ready);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path dir() {
    return dir;
  }

  private void awaitReady(String name, BooleanSupplier ready) throws IOException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (!ready.getAsBoolean()) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        String log = Files.readString(dir.resolve(name + ".log"));
        stop();
        throw new IllegalStateException(
            name + " did not start within " + START_TIMEOUT + "; its log:\n" + tail(log));
      }
      try {
        process.waitFor(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  private static String tail(String log) {
    return log.length() <= 8000 ? log : log.substring(log.length() - 8000);
  }

  private static Path jars(String name) {
    String given = System.getProperty(SERVERS_PROPERTY);
    if (given != null) {
      return Path.of(given).resolve(name);
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("testing/target/servers").resolve(name);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "testing/target/servers/"
            + name
            + " not found above "
            + Path.of("").toAbsolutePath()
            + ": build the testing module first (its generate-resources phase copies the jars),"
            + " or set -D"
            + SERVERS_PROPERTY);
  }

  private synchronized void stop() {
    ServerProcesses.stop(process);
    try {
      ServerProcesses.removeTree(dir);
    } catch (UncheckedIOException ignored) {
      // a leftover temporary directory does not fail a test
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
