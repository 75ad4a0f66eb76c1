package io.appspark.client;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the app's in-app cluster. On Kubernetes (and under {@code appspark submit}) the environment
 * says where the master is, and the drivers' settings come from the cluster's ConfigMap ({@link
 * DriverDefaults}); locally the cluster is found by name in the {@link StateDirectory}.
 */
public final class ClusterLocator {
  public static final String MASTER_URL_ENV = "APPSPARK_MASTER_URL";
  public static final String MASTER_WEB_URL_ENV = "APPSPARK_MASTER_WEB_URL";
  public static final String CLUSTER_ENV = "APPSPARK_CLUSTER";
  public static final String CONNECTION_FILE_ENV = "APPSPARK_CONNECTION_FILE";
  public static final String CONNECT_URL_ENV = "APPSPARK_CONNECT_URL";
  public static final String DEFAULT_CLUSTER = "appspark";

  private final Map<String, String> env;
  private final StateDirectory state;

  public ClusterLocator(Map<String, String> env, StateDirectory state) {
    this.env = Map.copyOf(env);
    this.state = state;
  }

  public static ClusterLocator fromSystem() {
    return new ClusterLocator(System.getenv(), StateDirectory.fromSystem());
  }

  /** The cluster named by {@code APPSPARK_CLUSTER}, or the one the environment points at. */
  public ClusterConnection locate() {
    String connectionFile = env.get(CONNECTION_FILE_ENV);
    if (connectionFile != null && !connectionFile.isBlank()) {
      return read(Path.of(connectionFile), CONNECTION_FILE_ENV + "=" + connectionFile);
    }
    String masterUrl = env.get(MASTER_URL_ENV);
    if (masterUrl != null && !masterUrl.isBlank()) {
      return fromEnvironment(masterUrl);
    }
    return locate(env.getOrDefault(CLUSTER_ENV, DEFAULT_CLUSTER));
  }

  /** A local cluster by name. */
  public ClusterConnection locate(String name) {
    Path file = state.connectionFile(name);
    return read(file, "cluster '" + name + "'");
  }

  private ClusterConnection fromEnvironment(String masterUrl) {
    if (!masterUrl.startsWith("spark://")) {
      throw new IllegalStateException(
          MASTER_URL_ENV + " must be a spark://host:port URL; got '" + masterUrl + "'");
    }
    String name = env.getOrDefault(CLUSTER_ENV, DEFAULT_CLUSTER);
    String web = env.getOrDefault(MASTER_WEB_URL_ENV, "");
    String connect = env.getOrDefault(CONNECT_URL_ENV, "");
    // On Kubernetes the cluster's ConfigMap holds what a local cluster's connection file does.
    Map<String, String> conf = new TreeMap<>(DriverDefaults.forCluster(name, env));
    return new ClusterConnection(name, masterUrl, web, conf, connect);
  }

  private static ClusterConnection read(Path file, String what) {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return ClusterConnection.readFrom(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          "no in-app cluster found for "
              + what
              + " (looked for "
              + file
              + "): start one with './appspark up', or set "
              + MASTER_URL_ENV
              + " to its spark:// URL");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
