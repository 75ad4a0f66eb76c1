package io.appspark.launcher.secrets;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Resolves the secret references of a driver's {@code spark-defaults.conf} in a container: {@code
 * ConfSecretsResolver EFFECTIVE_FILE MOUNTED_FILE}. References are what the mounted file (the
 * cluster's {@code driver-defaults.conf}, made from the spec) holds; a value of the image's own
 * configuration that merely looks like one ({@code spark.eventLog.dir file:/opt/spark/events}) is a
 * plain setting. The effective file is rewritten with the plain settings only (and {@code
 * spark.redaction.regex} covering the keys that held references); the resolved settings go to
 * standard output as Java properties, for the driver's JVM to read from its standard input ({@code
 * StdinSystemProperties}). So a value is in no file and on no command line, and a setting left in
 * the file cannot override it (SparkSubmit's properties file wins over system properties).
 *
 * <p>The Spark image's {@code driver} and {@code connect} roles run it when their configuration
 * holds a reference; Vault is logged in to from the environment ({@link VaultSettings}), e.g. with
 * the pod's service-account token. A reference that cannot be read ends it with exit code 2 and a
 * line that names the reference and the reason; the file is then left as it was.
 */
public final class ConfSecretsResolver {
  private ConfSecretsResolver() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println(
          "usage: ConfSecretsResolver EFFECTIVE_SPARK_DEFAULTS MOUNTED_SPARK_DEFAULTS");
      System.exit(2);
    }
    try {
      Writer out = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
      resolveInPlace(
          Path.of(args[0]),
          Path.of(args[1]),
          SecretResolver.fromEnvironment(
              System.getenv(), Optional.of(KubernetesSecretSource::ofOwnNamespace)),
          out);
      out.flush();
    } catch (SecretException e) {
      System.err.println("appspark: " + e.getMessage());
      System.exit(2);
    } catch (IOException e) {
      System.err.println("appspark: cannot resolve the secrets of " + args[0] + ": " + e);
      System.exit(2);
    }
  }

  /**
   * Resolves {@code file}'s references, the settings whose value there is the reference {@code
   * mounted} holds for them: the file keeps the other settings, {@code out} gets the resolved ones.
   * Without any, the file is left alone and nothing is written.
   *
   * @throws SecretException when a reference cannot be read; the file is then unchanged
   */
  static void resolveInPlace(Path file, Path mounted, SecretResolver resolver, Writer out)
      throws IOException {
    Map<String, String> conf = read(file);
    Map<String, String> references = new TreeMap<>(read(mounted));
    references.entrySet().removeIf(e -> !SecretReference.isReference(e.getValue()));
    references.entrySet().removeIf(e -> !e.getValue().equals(conf.get(e.getKey())));
    if (references.isEmpty()) {
      return;
    }
    Split split = split(conf, references, resolver);
    replace(file, split.plain());
    properties(split.secrets()).store(out, null);
  }

  /** The settings a driver's file keeps, and the resolved ones it gets through its input. */
  record Split(Map<String, String> plain, Map<String, String> secrets) {}

  static Split split(
      Map<String, String> conf, Map<String, String> references, SecretResolver resolver) {
    SecretResolver.Resolved resolved = resolver.resolveAll(references);
    Map<String, String> plain = new LinkedHashMap<>(conf);
    plain.keySet().removeAll(resolved.secretKeys());
    return new Split(SecretRedaction.covering(plain, resolved.secretKeys()), resolved.secrets());
  }

  /** The file's settings as Spark reads them: Java properties, values trimmed. */
  static Map<String, String> read(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    Map<String, String> conf = new LinkedHashMap<>();
    new TreeMap<>(properties).forEach((k, v) -> conf.put(k.toString(), v.toString().trim()));
    return conf;
  }

  /**
   * Writes beside the file and moves it over, so a reader never sees half of it; the new file has
   * the old one's permissions from the start (it may hold the cluster's own secret, mode 0600).
   */
  private static void replace(Path file, Map<String, String> conf) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.deleteIfExists(next);
    Files.createFile(
        next, PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(file)));
    try (Writer out = Files.newBufferedWriter(next, StandardCharsets.UTF_8)) {
      properties(conf).store(out, "secret references resolved; their settings are not here");
    }
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static Properties properties(Map<String, String> conf) {
    Properties properties = new Properties();
    properties.putAll(conf);
    return properties;
  }
}
