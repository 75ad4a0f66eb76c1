package io.appspark.launcher.local;

import java.nio.file.Path;

/** The files of one local cluster inside its state directory. */
public record ClusterLayout(Path root) {
  public Path stateFile() {
    return root.resolve("cluster.json");
  }

  public Path connectionFile() {
    return root.resolve("connection.properties");
  }

  public Path controlTokenFile() {
    return root.resolve("control.token");
  }

  /** The cluster's RPC secret as a Spark properties file, readable by its owner only. */
  public Path authSecretFile() {
    return root.resolve(io.appspark.client.SparkAuth.FILE_NAME);
  }

  public Path confDir() {
    return root.resolve("conf");
  }

  public Path logs() {
    return root.resolve("logs");
  }

  public Path supervisorLog() {
    return logs().resolve("supervisor.log");
  }

  public Path work() {
    return root.resolve("work");
  }

  public Path workerDir(int ordinal) {
    return work().resolve("worker-" + ordinal);
  }

  public Path tmp() {
    return root.resolve("tmp");
  }
}
