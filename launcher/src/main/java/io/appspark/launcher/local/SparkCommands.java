package io.appspark.launcher.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Command lines for the processes of a local cluster. Pure: the same inputs give the same commands,
 * so they are tested without starting anything.
 */
public final class SparkCommands {
  /** The module openings Spark needs on Java 17+. */
  static final List<String> JAVA_MODULE_OPTIONS =
      List.of(
          "java.base/java.lang",
          "java.base/java.lang.invoke",
          "java.base/java.lang.reflect",
          "java.base/java.io",
          "java.base/java.net",
          "java.base/java.nio",
          "java.base/java.util",
          "java.base/java.util.concurrent",
          "java.base/java.util.concurrent.atomic",
          "java.base/jdk.internal.ref",
          "java.base/sun.nio.ch",
          "java.base/sun.nio.cs",
          "java.base/sun.security.action",
          "java.base/sun.util.calendar");

  static final String DAEMON_HEAP = "512m";
  static final String WATCH_PARENT_CLASS = "io.appspark.parentwatch.WatchParent";
  static final String MASTER_CLASS = "org.apache.spark.deploy.master.Master";
  static final String WORKER_CLASS = "org.apache.spark.deploy.worker.Worker";
  static final String CONNECT_SERVER_CLASS =
      "org.apache.spark.sql.connect.service.SparkConnectServer";
  static final String CONNECT_APP_NAME = "Spark Connect server";
  static final String CONNECT_HEAP = "1g";

  private final Installation installation;
  private final ClusterLayout layout;
  private final String clusterName;
  private final long supervisorPid;
  private final ClassDataArchives archives;
  private final Optional<AuthSecret> secret;

  /** Commands for a cluster that does not authenticate. */
  public SparkCommands(
      Installation installation,
      ClusterLayout layout,
      String clusterName,
      long supervisorPid,
      ClassDataArchives archives) {
    this(installation, layout, clusterName, supervisorPid, archives, Optional.empty());
  }

  /**
   * Commands for a cluster whose processes share {@code secret}: the master and the workers get it
   * in their environment (Spark's {@value #SECRET_ENV}; a worker hands it on to its executors the
   * same way), drivers read it from the cluster's secret file. Never on a command line, which any
   * user of the machine sees in {@code ps}.
   */
  public SparkCommands(
      Installation installation,
      ClusterLayout layout,
      String clusterName,
      long supervisorPid,
      ClassDataArchives archives,
      Optional<AuthSecret> secret) {
    this.installation = installation;
    this.layout = layout;
    this.clusterName = clusterName;
    this.supervisorPid = supervisorPid;
    this.archives = archives;
    this.secret = secret;
  }

  /** The variable Spark's daemons and executors read the shared secret from. */
  static final String SECRET_ENV = "_SPARK_AUTH_SECRET";

  static final String SPARK_SUBMIT = "org.apache.spark.deploy.SparkSubmit";

  /**
   * Reads {@code spark.*} settings as Java properties from standard input into system properties,
   * then runs the next main class: how resolved secrets reach a driver's JVM.
   */
  static final String STDIN_PROPERTIES = "io.appspark.parentwatch.StdinSystemProperties";

  public JvmCommand master(int rpcPort, int webUiPort) {
    List<String> cmd = daemonJvm("master");
    cmd.addAll(
        List.of(
            MASTER_CLASS,
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(rpcPort),
            "--webui-port",
            Integer.toString(webUiPort),
            "--properties-file",
            layout.confDir().resolve("spark-defaults.conf").toString()));
    return new JvmCommand(cmd, daemonEnv(), layout.root(), layout.logs().resolve("master.log"));
  }

  public JvmCommand worker(int ordinal, int rpcPort, String masterUrl, int cores, String memory) {
    Path workDir = layout.workerDir(ordinal);
    List<String> cmd = daemonJvm("worker");
    cmd.addAll(
        List.of(
            WORKER_CLASS,
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(rpcPort),
            "--webui-port",
            "0",
            "--cores",
            Integer.toString(cores),
            "--memory",
            memory,
            "--work-dir",
            workDir.toString(),
            "--properties-file",
            layout.confDir().resolve("spark-defaults.conf").toString(),
            masterUrl));
    return new JvmCommand(
        cmd, daemonEnv(), workDir, layout.logs().resolve("worker-" + ordinal + ".log"));
  }

  /**
   * A driver: the app's main class started through Spark's own submit path in client mode, so the
   * app's jar reaches the executors.
   */
  public JvmCommand driver(
      String mainClass,
      Path appJar,
      List<String> appArgs,
      String masterUrl,
      Map<String, String> driverConf,
      String driverMemory,
      Path logFile) {
    List<String> cmd = submit(driverMemory);
    cmd.addAll(List.of("--master", masterUrl, "--deploy-mode", "client", "--class", mainClass));
    driverConf.forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
    cmd.add(appJar.toString());
    cmd.addAll(appArgs);
    return new JvmCommand(cmd, sparkEnv(), layout.root(), logFile);
  }

  /**
   * The Spark Connect server: a driver on the cluster like any app's (same driver settings, so the
   * autoscaler sees it), started the way Spark's own start script does, serving gRPC on the
   * loopback port given. Settings that were secret references go to its standard input (see {@link
   * #STDIN_PROPERTIES}), never onto its command line; Spark's redaction pattern covers their keys.
   */
  public JvmCommand connectServer(
      int grpcPort,
      String masterUrl,
      io.appspark.launcher.secrets.SecretResolver.Resolved driverSettings) {
    List<String> cmd = submit(CONNECT_HEAP);
    if (!driverSettings.secretKeys().isEmpty()) {
      cmd.add(cmd.indexOf(SPARK_SUBMIT), STDIN_PROPERTIES);
    }
    Map<String, String> driverConf =
        io.appspark.launcher.secrets.SecretRedaction.covering(
            driverSettings.plain(), driverSettings.secretKeys());
    cmd.addAll(
        List.of(
            "--master",
            masterUrl,
            "--deploy-mode",
            "client",
            "--class",
            CONNECT_SERVER_CLASS,
            "--name",
            CONNECT_APP_NAME));
    // A long-lived shared driver: executors holding shuffle data of finished queries must still go
    // back to the cluster after a while, or one notebook's query keeps the workers forever. The
    // cluster's driver conf comes after, so a spec may choose otherwise.
    cmd.addAll(List.of("--conf", "spark.dynamicAllocation.shuffleTracking.timeout=60s"));
    driverConf.forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
    cmd.addAll(
        List.of(
            "--conf",
            "spark.connect.grpc.binding.address=127.0.0.1",
            "--conf",
            "spark.connect.grpc.binding.port=" + grpcPort,
            "--conf",
            "spark.connect.grpc.port.maxRetries=0",
            "spark-internal"));
    return new JvmCommand(cmd, sparkEnv(), layout.root(), layout.logs().resolve("connect.log"));
  }

  /**
   * A JVM running Spark's submit path, with the cluster's conf directory, under the parent watch.
   */
  private List<String> submit(String heap) {
    List<String> cmd = jvm(heap);
    cmd.add("-cp");
    cmd.add(
        installation.parentWatchJar()
            + ":"
            + layout.confDir()
            + "/:"
            + installation.sparkJars()
            + "/*");
    cmd.add(WATCH_PARENT_CLASS);
    cmd.add(Long.toString(supervisorPid));
    cmd.add(SPARK_SUBMIT);
    if (secret.isPresent()) {
      // A driver on a standalone cluster takes the secret from its configuration only; the file
      // adds it, and spark-defaults.conf is still read.
      cmd.addAll(
          List.of(
              "--properties-file", layout.authSecretFile().toString(), "--load-spark-defaults"));
    }
    return cmd;
  }

  private List<String> jvm(String heap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(installation.java().toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-XX:+UseParallelGC");
    cmd.add("-Djava.io.tmpdir=" + layout.tmp());
    cmd.add("-Dappspark.cluster=" + clusterName);
    for (String opening : JAVA_MODULE_OPTIONS) {
      cmd.add("--add-opens=" + opening + "=ALL-UNNAMED");
    }
    return cmd;
  }

  /**
   * A master or worker JVM, run through the parent watch. Its class path holds no per-cluster
   * directory, so that one class-data archive serves every cluster; the log configuration is named
   * instead.
   */
  private List<String> daemonJvm(String role) {
    List<String> cmd = jvm(DAEMON_HEAP);
    // The daemons only coordinate (RPC, heartbeats, their JSON pages); they never run tasks or
    // serve
    // shuffle data. The quick compiler alone halves the CPU a worker needs to start (2.6 to 1.35
    // CPU-seconds here), and that CPU is what a burst of new workers and executors competes for.
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(archives.jvmOptions(role));
    cmd.add("-Dlog4j2.configurationFile=" + layout.confDir().resolve("log4j2.properties"));
    cmd.add("-cp");
    cmd.add(installation.parentWatchJar() + ":" + installation.sparkJars() + "/*");
    cmd.add(WATCH_PARENT_CLASS);
    cmd.add(Long.toString(supervisorPid));
    return cmd;
  }

  private Map<String, String> daemonEnv() {
    Map<String, String> env = new java.util.HashMap<>(sparkEnv());
    secret.ifPresent(s -> env.put(SECRET_ENV, s.value()));
    return env;
  }

  private Map<String, String> sparkEnv() {
    return Map.of(
        "SPARK_HOME", installation.sparkHome().toString(),
        "SPARK_CONF_DIR", layout.confDir().toString(),
        "SPARK_SCALA_VERSION", "2.13",
        "JAVA_HOME", installation.javaHome().toString(),
        "SPARK_LOG_DIR", layout.logs().toString(),
        "SPARK_LOCAL_IP", "127.0.0.1");
  }
}
