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
 * Holds no secret: secrets are resolved at run time.
 *
 * @param connectUrl the cluster's Spark Connect server ({@code sc://host:port}), or empty when it
 *     runs none
 */
public record ClusterConnection(
    String name,
    String masterUrl,
    String masterWebUrl,
    Map<String, String> sparkConf,
    String connectUrl) {

  static final String NAME = "appspark.cluster.name";
  static final String MASTER_URL = "appspark.master.url";
  static final String MASTER_WEB_URL = "appspark.master.webUrl";
  static final String CONNECT_URL = "appspark.connect.url";

  public ClusterConnection {
    sparkConf = Map.copyOf(sparkConf);
    connectUrl = connectUrl == null ? "" : connectUrl;
  }

  /** A cluster without a Spark Connect server. */
  public ClusterConnection(
      String name, String masterUrl, String masterWebUrl, Map<String, String> sparkConf) {
    this(name, masterUrl, masterWebUrl, sparkConf, "");
  }

  public void writeTo(Writer out) throws IOException {
    Properties p = new Properties();
    p.setProperty(NAME, name);
    p.setProperty(MASTER_URL, masterUrl);
    p.setProperty(MASTER_WEB_URL, masterWebUrl);
    if (!connectUrl.isEmpty()) {
      p.setProperty(CONNECT_URL, connectUrl);
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
        p.getProperty(CONNECT_URL, ""));
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
