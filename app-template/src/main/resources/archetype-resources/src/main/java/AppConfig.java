package ${package};

import io.appspark.launcher.secrets.SecretException;
import io.appspark.launcher.secrets.SecretReference;
import io.appspark.launcher.secrets.SecretResolver;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The service's configuration, read once at startup from the environment; a bad value fails the
 * start, naming the variable. Secrets are given as references ({@code API_TOKEN_REF=vault:...})
 * that appspark's {@link SecretResolver} reads, never as values: no manifest or shell history holds
 * them, and no message or log shows them.
 *
 * @param driverConf Spark settings for this driver: the cluster's {@code driver-defaults.conf}
 *     (mounted on Kubernetes, see {@code APPSPARK_DRIVER_CONF}) and the pod's address
 * @param apiToken when present, POST requests must carry {@code Authorization: Bearer <token>}
 */
public record AppConfig(
    String appName, int httpPort, Map<String, String> driverConf, Optional<String> apiToken) {
  /** The variable holding the API token's secret reference. */
  public static final String API_TOKEN_REF = "API_TOKEN_REF";

  public AppConfig {
    driverConf = Map.copyOf(driverConf);
  }

  public static AppConfig from(Map<String, String> env, SecretResolver secrets) {
    Map<String, String> driverConf = new TreeMap<>();
    String confFile = env.get("APPSPARK_DRIVER_CONF");
    if (confFile != null && !confFile.isBlank()) {
      driverConf.putAll(readProperties(Path.of(confFile), "APPSPARK_DRIVER_CONF"));
    }
    String driverHost = env.get("SPARK_DRIVER_HOST");
    if (driverHost != null && !driverHost.isBlank()) {
      // Executors connect back to the driver at this address (the pod's IP on Kubernetes).
      driverConf.put("spark.driver.host", driverHost);
      driverConf.put("spark.driver.bindAddress", "0.0.0.0");
    }
    return new AppConfig(
        env.getOrDefault("APP_NAME", "${artifactId}"),
        port(env.getOrDefault("HTTP_PORT", "8080")),
        driverConf,
        secret(env, API_TOKEN_REF, secrets));
  }

  /** The secret a variable refers to; the variable unset or blank means none. */
  private static Optional<String> secret(
      Map<String, String> env, String variable, SecretResolver secrets) {
    String reference = env.getOrDefault(variable, "").strip();
    if (reference.isEmpty()) {
      return Optional.empty();
    }
    if (!SecretReference.isReference(reference)) {
      // Not quoted: it may be the secret itself, put there by mistake.
      throw new IllegalArgumentException(
          variable
              + ": must be a secret reference (vault:PATH#KEY, k8s:SECRET#KEY, env:NAME or"
              + " file:/PATH), not a value");
    }
    try {
      return Optional.of(secrets.resolve(reference));
    } catch (SecretException | IllegalArgumentException e) {
      // The launcher's messages name the reference and the reason, never a value.
      throw new IllegalArgumentException(variable + ": " + e.getMessage(), e);
    }
  }

  /** Says whether there is an API token, never what it is. */
  @Override
  public String toString() {
    return "AppConfig[appName="
        + appName
        + ", httpPort="
        + httpPort
        + ", driverConf keys="
        + driverConf.keySet()
        + ", apiToken="
        + apiToken.map(t -> "(redacted)").orElse("(none)")
        + "]";
  }

  private static int port(String given) {
    if (!given.matches("\\d{1,5}") || Integer.parseInt(given) > 65535) {
      throw new IllegalArgumentException(
          "HTTP_PORT: must be a port number from 0 to 65535; got '" + given + "'");
    }
    return Integer.parseInt(given);
  }

  private static Map<String, String> readProperties(Path file, String variable) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(variable + ": no such file: " + file);
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Map<String, String> conf = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> conf.put(k, p.getProperty(k).trim()));
    return conf;
  }
}
