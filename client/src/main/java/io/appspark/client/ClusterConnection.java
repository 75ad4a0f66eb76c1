package io.appspark.client;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What a Spark driver needs to attach to an in-app cluster: its master URL, its UI address, and the
 * Spark configuration the cluster expects of its drivers (decommissioning, dynamic allocation,
 * metrics the autoscaler reads).
 *
 * <p>Written by the launcher as {@code connection.properties} in the cluster's directory; read by
 * apps through {@link ClusterLocator} and by notebooks ({@code notebooks/appspark_notebook.py}).
 * Holds no secret: secrets are resolved at run time (see {@link SparkAuth}).
 *
 * @param connectUrl the cluster's Spark Connect server ({@code sc://host:port}), or empty when it
 *     runs none
 * @param authSecretFile where the cluster's RPC secret is (a local cluster's {@value
 *     SparkAuth#FILE_NAME}), or empty when the connection names none
 */
public record ClusterConnection(
    String name,
    String masterUrl,
    String masterWebUrl,
    Map<String, String> sparkConf,
    String connectUrl,
    String authSecretFile) {

  static final String NAME = "appspark.cluster.name";
  static final String MASTER_URL = "appspark.master.url";
  static final String MASTER_WEB_URL = "appspark.master.webUrl";
  static final String CONNECT_URL = "appspark.connect.url";
  static final String AUTH_SECRET_FILE = "appspark.auth.secretFile";

  public ClusterConnection {
    sparkConf = Map.copyOf(sparkConf);
    connectUrl = connectUrl == null ? "" : connectUrl;
    authSecretFile = authSecretFile == null ? "" : authSecretFile;
  }

  /** A cluster whose connection names no secret file. */
  public ClusterConnection(
      String name,
      String masterUrl,
      String masterWebUrl,
      Map<String, String> sparkConf,
      String connectUrl) {
    this(name, masterUrl, masterWebUrl, sparkConf, connectUrl, "");
  }

  /** A cluster without a Spark Connect server. */
  public ClusterConnection(
      String name, String masterUrl, String masterWebUrl, Map<String, String> sparkConf) {
    this(name, masterUrl, masterWebUrl, sparkConf, "", "");
  }

  public void writeTo(Writer out) throws IOException {
    Properties p = new Properties();
    p.setProperty(NAME, name);
    p.setProperty(MASTER_URL, masterUrl);
    p.setProperty(MASTER_WEB_URL, masterWebUrl);
    if (!connectUrl.isEmpty()) {
      p.setProperty(CONNECT_URL, connectUrl);
    }
    if (!authSecretFile.isEmpty()) {
      p.setProperty(AUTH_SECRET_FILE, authSecretFile);
    }
    sparkConf.forEach(p::setProperty);
    p.store(out, "appspark in-app cluster connection: how drivers attach to cluster " + name);
  }

  public static ClusterConnection readFrom(Reader in, String source) throws IOException {
    Properties p = new Properties();
    p.load(in);
    Map<String, String> conf = new TreeMap<>();
    for (String key : p.stringPropertyNames()) {
      if (key.startsWith("spark.")) {
        conf.put(key, p.getProperty(key));
      }
    }
    return new ClusterConnection(
        required(p, NAME, source),
        required(p, MASTER_URL, source),
        required(p, MASTER_WEB_URL, source),
        conf,
        p.getProperty(CONNECT_URL, ""),
        p.getProperty(AUTH_SECRET_FILE, ""));
  }

  /** The same connection with other driver settings. */
  public ClusterConnection withSparkConf(Map<String, String> conf) {
    return new ClusterConnection(name, masterUrl, masterWebUrl, conf, connectUrl, authSecretFile);
  }

  private static String required(Properties p, String key, String source) {
    String value = p.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          source
              + " lacks '"
              + key
              + "': the file is damaged; restart the cluster with ./appspark up");
    }
    return value;
  }
}
