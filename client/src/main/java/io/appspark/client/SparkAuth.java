package io.appspark.client;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * An in-app cluster's shared RPC secret ({@code spark.authenticate}): every process of the cluster
 * and every driver of the app holds the same one, and RPC between them is encrypted with keys
 * derived from it. A driver without it is refused by the master.
 *
 * <p>Locally the launcher keeps it in {@value #FILE_NAME} (mode 0600, a Spark properties file)
 * beside {@code connection.properties}; on Kubernetes the pod's environment carries it ({@value
 * #SECRET_ENV}, from the Secret {@code <cluster>-spark-auth}, key {@code secret}). Never in the
 * connection file, a ConfigMap or a log; Spark's redaction hides it on the UI's environment page.
 */
public final class SparkAuth {
  public static final String AUTHENTICATE = "spark.authenticate";
  public static final String SECRET = "spark.authenticate.secret";
  public static final String ENCRYPTION = "spark.network.crypto.enabled";

  /** Where a pod (the app's, a notebook's) gets the secret: a {@code secretKeyRef}. */
  public static final String SECRET_ENV = "APPSPARK_AUTH_SECRET";

  /** The file, in the cluster's state directory, that holds the secret of a local cluster. */
  public static final String FILE_NAME = "spark-auth.conf";

  private SparkAuth() {}

  /** The settings that make a driver authenticate to the cluster and encrypt its RPC. */
  public static Map<String, String> driverSettings(String secret) {
    Map<String, String> conf = new TreeMap<>();
    conf.put(AUTHENTICATE, "true");
    conf.put(ENCRYPTION, "true");
    conf.put(SECRET, secret);
    return conf;
  }

  /**
   * The cluster's secret for a driver: {@value #SECRET_ENV} if set, else the cluster's secret file
   * if it has one. Empty for a cluster that does not authenticate.
   *
   * @throws IllegalStateException if the cluster has a secret file this process cannot read (the
   *     message names the file, never a secret)
   */
  public static Optional<String> secretFor(ClusterConnection cluster, Map<String, String> env) {
    String fromEnv = env.get(SECRET_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(fromEnv.strip());
    }
    if (cluster.authSecretFile().isEmpty()) {
      return Optional.empty();
    }
    Path file = Path.of(cluster.authSecretFile());
    return Optional.of(
        readSecretFile(file)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "cluster '"
                            + cluster.name()
                            + "' requires authentication, but its secret file "
                            + file
                            + " has no "
                            + SECRET
                            + ": restart the cluster with ./appspark up")));
  }

  /** The secret in a {@value #FILE_NAME} file; empty if the file has none. */
  public static Optional<String> readSecretFile(Path file) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          "the cluster's secret file "
              + file
              + " is missing: is the cluster running? (./appspark status)");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the cluster's secret file "
              + file
              + " (it is readable by the user who started the cluster only)",
          e);
    }
    String secret = p.getProperty(SECRET);
    return secret == null || secret.isBlank() ? Optional.empty() : Optional.of(secret.strip());
  }
}
