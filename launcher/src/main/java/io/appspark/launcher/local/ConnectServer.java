package io.appspark.launcher.local;

import io.appspark.launcher.Await;
import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.Progress;
import io.appspark.launcher.secrets.SecretResolver;
import io.appspark.launcher.spark.MasterClient;
import io.appspark.launcher.spark.MasterState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The cluster's Spark Connect server process. It is a driver on the cluster, so it is ready when
 * both hold: its gRPC port accepts connections and the master lists its application.
 */
final class ConnectServer {
  private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

  private final Process process;
  private final int port;
  private final Path log;
  private volatile boolean ready;
  private volatile boolean exitNoticed;

  private ConnectServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts the server with the cluster's driver settings, resolved: those that were secret
   * references reach it through its standard input only.
   */
  static ConnectServer start(
      SparkCommands commands, String masterUrl, SecretResolver.Resolved driverConf) {
    int port = FreePorts.pick();
    JvmCommand command = commands.connectServer(port, masterUrl, driverConf);
    return new ConnectServer(
        Processes.startWithInput(command, driverConf.secrets()), port, command.logFile());
  }

  /** The URL thin clients use: {@code sc://127.0.0.1:PORT}. */
  String url() {
    return "sc://127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Its URL once it is ready and still running; empty before and after. */
  Optional<String> readyUrl() {
    return ready && process.isAlive() ? Optional.of(url()) : Optional.empty();
  }

  /** True once, at the first call after a ready server has exited. */
  boolean exitedSinceReady() {
    if (!ready || exitNoticed || process.isAlive()) {
      return false;
    }
    exitNoticed = true;
    return true;
  }

  Path log() {
    return log;
  }

  void awaitReady(MasterClient master, Duration timeout, Progress progress) {
    Await.until(
        "the Spark Connect server to serve " + url() + " and register with the master",
        timeout,
        progress,
        () -> {
          if (!process.isAlive()) {
            throw new LauncherException(
                ExitCode.FAILED,
                "the Spark Connect server exited with code "
                    + process.exitValue()
                    + "; see "
                    + log);
          }
          return acceptsConnections() ? master.state().filter(this::registered) : Optional.empty();
        });
    ready = true;
    progress.done("Spark Connect server ready at " + url());
  }

  void stop(Duration grace) {
    Processes.stop(process.toHandle(), grace);
  }

  private boolean registered(MasterState state) {
    return state.activeApps().stream()
        .anyMatch(app -> SparkCommands.CONNECT_APP_NAME.equals(app.name()));
  }

  private boolean acceptsConnections() {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
          (int) CONNECT_TIMEOUT.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
