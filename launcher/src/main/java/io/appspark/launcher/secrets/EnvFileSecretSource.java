package io.appspark.launcher.secrets;

import io.appspark.launcher.secrets.SecretException.Reason;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * {@code env:NAME} and {@code file:/path[#key]} references, for local use: a developer's shell, a
 * CI job, or files a platform mounts (Kubernetes Secret volumes, Vault agent templates).
 */
public final class EnvFileSecretSource implements SecretSource {
  private final Map<String, String> environment;

  /**
   * Reads {@code env:} references from the given environment (normally {@code System.getenv()}).
   */
  public EnvFileSecretSource(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public String read(SecretReference reference) {
    return switch (reference.scheme()) {
      case ENV -> readEnv(reference);
      case FILE -> readFile(reference);
      default ->
          throw new SecretException(reference, Reason.NOT_CONFIGURED, "not an env: or file: one");
    };
  }

  private String readEnv(SecretReference reference) {
    String value = environment.get(reference.path());
    if (value == null) {
      throw new SecretException(
          reference, Reason.MISSING_PATH, "the environment variable is not set");
    }
    return value;
  }

  private String readFile(SecretReference reference) {
    Path file = Path.of(reference.path());
    try {
      if (reference.key().isEmpty()) {
        return stripTrailingNewline(Files.readString(file, StandardCharsets.UTF_8));
      }
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        properties.load(reader);
      }
      String value = properties.getProperty(reference.key().get());
      if (value == null) {
        throw new SecretException(reference, Reason.MISSING_KEY, null);
      }
      return value;
    } catch (NoSuchFileException e) {
      throw new SecretException(reference, Reason.MISSING_PATH, "no such file");
    } catch (AccessDeniedException e) {
      throw new SecretException(reference, Reason.PERMISSION_DENIED, "the file is not readable");
    } catch (IOException | IllegalArgumentException e) {
      throw new SecretException(
          reference, Reason.UNREACHABLE, "cannot read the file: " + e.getClass().getSimpleName());
    }
  }

  private static String stripTrailingNewline(String text) {
    if (text.endsWith("\r\n")) {
      return text.substring(0, text.length() - 2);
    }
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }
}
