package io.appspark.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Spark settings a Kubernetes cluster expects of its drivers (dynamic allocation, executor
 * size, decommissioning, the autoscaler's plugin): the key {@value #KEY} of the cluster's ConfigMap
 * {@code <cluster>-spark-conf}, which the launcher's model writes from the same source as a local
 * cluster's {@code connection.properties}.
 *
 * <p>A driver in a pod gets them from a file named by {@value #FILE_ENV} (the ConfigMap's key
 * mounted there), else, when it runs in a pod whose service account may {@code get} that ConfigMap,
 * through the Kubernetes API. Outside Kubernetes (no {@code KUBERNETES_SERVICE_HOST}) there are
 * none to read. In a pod where neither works the error names what to mount or grant.
 */
public final class DriverDefaults {
  /** The ConfigMap key holding the drivers' settings. */
  public static final String KEY = "driver-defaults.conf";

  /** Names a file holding {@value #KEY} (the cluster's ConfigMap mounted in the pod). */
  public static final String FILE_ENV = "APPSPARK_DRIVER_CONF";

  /** Overrides the namespace of the cluster's ConfigMap (default: the pod's own). */
  public static final String NAMESPACE_ENV = "APPSPARK_NAMESPACE";

  /** Where Kubernetes mounts a pod's service-account token, CA and namespace. */
  static final Path SERVICE_ACCOUNT =
      java.nio.file.FileSystems.getDefault()
          .getRootDirectories()
          .iterator()
          .next()
          .resolve("var/run/secrets/kubernetes.io/serviceaccount");

  private static final Duration API_TIMEOUT = Duration.ofSeconds(10);

  private DriverDefaults() {}

  /** The cluster's ConfigMap ({@code <cluster>-spark-conf}). */
  public static String configMapName(String cluster) {
    return cluster + "-spark-conf";
  }

  /** The settings for drivers of {@code cluster}, as the process's environment finds them. */
  public static Map<String, String> forCluster(String cluster, Map<String, String> env) {
    return forCluster(cluster, env, SERVICE_ACCOUNT, null);
  }

  /**
   * @param serviceAccount the pod's service-account directory (token, ca.crt, namespace)
   * @param apiServer the API server to ask; null: {@code https://$KUBERNETES_SERVICE_HOST:PORT}
   */
  static Map<String, String> forCluster(
      String cluster, Map<String, String> env, Path serviceAccount, URI apiServer) {
    String file = env.getOrDefault(FILE_ENV, "").strip();
    if (!file.isEmpty()) {
      return fromFile(cluster, Path.of(file));
    }
    String host = env.getOrDefault("KUBERNETES_SERVICE_HOST", "").strip();
    if (host.isEmpty() && apiServer == null) {
      return Map.of();
    }
    Path token = serviceAccount.resolve("token");
    if (!Files.isReadable(token)) {
      throw new IllegalStateException(
          notFound(cluster)
              + ": "
              + FILE_ENV
              + " is not set and the pod has no service-account token ("
              + token
              + ")");
    }
    URI api =
        apiServer != null
            ? apiServer
            : URI.create(
                "https://"
                    + (host.contains(":") ? "[" + host + "]" : host)
                    + ":"
                    + env.getOrDefault("KUBERNETES_SERVICE_PORT", "443").strip());
    String namespace = env.getOrDefault(NAMESPACE_ENV, "").strip();
    if (namespace.isEmpty()) {
      namespace = readText(serviceAccount.resolve("namespace")).strip();
    }
    return fromApi(cluster, namespace, api, readText(token).strip(), serviceAccount);
  }

  /** Parses {@value #KEY}'s text (Java properties, as the model writes it). */
  public static Map<String, String> parse(String text, String source) {
    Properties p = new Properties();
    try (Reader in = new StringReader(text)) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException(source + " is not a Spark properties file: " + e, e);
    }
    Map<String, String> conf = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> conf.put(k, p.getProperty(k).strip()));
    return conf;
  }

  private static Map<String, String> fromFile(String cluster, Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), FILE_ENV + "=" + file);
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          FILE_ENV
              + "="
              + file
              + ": no such file: mount the key "
              + KEY
              + " of the ConfigMap "
              + configMapName(cluster)
              + " there (a configMap volume with items: [{key: "
              + KEY
              + ", path: "
              + file.getFileName()
              + "}])");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + FILE_ENV + "=" + file, e);
    }
  }

  private static Map<String, String> fromApi(
      String cluster, String namespace, URI api, String token, Path serviceAccount) {
    String name = configMapName(cluster);
    URI uri = api.resolve("/api/v1/namespaces/" + namespace + "/configmaps/" + name);
    HttpResponse<String> response;
    try {
      HttpClient http =
          HttpClient.newBuilder()
              .connectTimeout(API_TIMEOUT)
              .sslContext(trusting(serviceAccount.resolve("ca.crt")))
              .build();
      response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(API_TIMEOUT)
                  .header("Authorization", "Bearer " + token)
                  .header("Accept", "application/json")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(
          notFound(cluster) + ": the Kubernetes API at " + api + " did not answer (" + e + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading ConfigMap " + name, e);
    }
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw new IllegalStateException(
          notFound(cluster)
              + ": the pod's service account may not get configmaps/"
              + name
              + " in namespace "
              + namespace
              + " (HTTP "
              + status
              + "): grant it (a Role with resources [configmaps], resourceNames ["
              + name
              + "], verbs [get], bound to the pod's service account)");
    }
    if (status == 404) {
      throw new IllegalStateException(
          "no ConfigMap "
              + name
              + " in namespace "
              + namespace
              + ": is cluster '"
              + cluster
              + "' deployed there? (APPSPARK_CLUSTER names the cluster, "
              + NAMESPACE_ENV
              + " its namespace)");
    }
    if (status != 200) {
      throw new IllegalStateException(
          "reading ConfigMap " + name + " in namespace " + namespace + ": HTTP " + status);
    }
    JsonNode value;
    try {
      value = new ObjectMapper().readTree(response.body()).path("data").path(KEY);
    } catch (IOException e) {
      throw new IllegalStateException("ConfigMap " + name + ": not JSON from " + uri, e);
    }
    if (!value.isTextual()) {
      throw new IllegalStateException(
          "ConfigMap " + name + " in namespace " + namespace + " has no key " + KEY);
    }
    return parse(value.asText(), "ConfigMap " + name + " key " + KEY);
  }

  private static String notFound(String cluster) {
    String name = configMapName(cluster);
    return "no driver settings for cluster '"
        + cluster
        + "' in this pod (mount the key "
        + KEY
        + " of ConfigMap "
        + name
        + " and set "
        + FILE_ENV
        + " to its path, or let the pod's service account get configmaps/"
        + name
        + ")";
  }

  private static SSLContext trusting(Path caFile) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      if (!Files.isReadable(caFile)) {
        context.init(null, null, null);
        return context;
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      try (InputStream in = Files.newInputStream(caFile)) {
        int i = 0;
        for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          store.setCertificateEntry("ca-" + i++, cert);
        }
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot use the service account's CA " + caFile, e);
    }
  }

  private static String readText(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
