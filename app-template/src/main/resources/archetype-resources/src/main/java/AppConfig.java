package ${package};

import ${package}.secrets.SecretSource;
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
 * The service's configuration, read once at startup from the environment (and secrets from the
 * {@link SecretSource}); a bad value fails the start, naming the variable.
 *
 * @param driverConf Spark settings for this driver: the cluster's {@code driver-defaults.conf}
 *     (mounted on Kubernetes, see {@code APPSPARK_DRIVER_CONF}) and the pod's address
 * @param apiToken when present, POST requests must carry {@code Authorization: Bearer <token>}
 */
public record AppConfig(
    String appName, int httpPort, Map<String, String> driverConf, Optional<String> apiToken) {
  public static final String API_TOKEN_SECRET = "api-token";

  public AppConfig {
    driverConf = Map.copyOf(driverConf);
  }

  public static AppConfig from(Map<String, String> env, SecretSource secrets) {
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
        secrets.get(API_TOKEN_SECRET));
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
