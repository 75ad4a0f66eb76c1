package io.appspark.launcher.secrets;

import java.util.Optional;

/**
 * Where a secret lives, written in place of its value in the cluster spec or in app configuration:
 *
 * <ul>
 *   <li>{@code vault:secret/data/my-app#s3SecretKey}: a Vault path as its HTTP API names it (KV v2
 *       paths have {@code data/} after the mount, KV v1 paths do not) and a key in that secret;
 *   <li>{@code k8s:my-secret#password}: a key of a Kubernetes Secret in the app's namespace;
 *   <li>{@code env:NAME}: an environment variable of the process that resolves it;
 *   <li>{@code file:/path}: a file's content (a trailing newline dropped), or with {@code #key} one
 *       property of a Java properties file.
 * </ul>
 *
 * Its text is what error messages and logs show: it names a secret, never holds one.
 */
public record SecretReference(Scheme scheme, String path, Optional<String> key) {
  /** The source a reference reads from, by its prefix. */
  public enum Scheme {
    VAULT("vault"),
    KUBERNETES("k8s"),
    ENV("env"),
    FILE("file");

    private final String prefix;

    Scheme(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }

    static Optional<Scheme> ofPrefix(String prefix) {
      for (Scheme scheme : values()) {
        if (scheme.prefix.equals(prefix)) {
          return Optional.of(scheme);
        }
      }
      return Optional.empty();
    }
  }

  public SecretReference {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("a secret reference needs a path");
    }
    key = key == null ? Optional.empty() : key;
  }

  /** Whether a setting's value is a secret reference (one of the known prefixes) at all. */
  public static boolean isReference(String value) {
    if (value == null) {
      return false;
    }
    int colon = value.indexOf(':');
    return colon > 0 && Scheme.ofPrefix(value.substring(0, colon)).isPresent();
  }

  /**
   * Parses a reference. The message of a failure quotes the text, which is a reference, not a
   * value, since only text with a known prefix gets here.
   */
  public static SecretReference parse(String text) {
    if (!isReference(text)) {
      throw new IllegalArgumentException(
          "not a secret reference (expected vault:, k8s:, env: or file:): " + text);
    }
    int colon = text.indexOf(':');
    Scheme scheme = Scheme.ofPrefix(text.substring(0, colon)).orElseThrow();
    String rest = text.substring(colon + 1);
    int hash = rest.lastIndexOf('#');
    String path = hash < 0 ? rest : rest.substring(0, hash);
    Optional<String> key = hash < 0 ? Optional.empty() : Optional.of(rest.substring(hash + 1));
    if (path.isBlank() || key.map(String::isBlank).orElse(false)) {
      throw new IllegalArgumentException(
          "secret reference " + text + ": needs " + example(scheme) + " (path and key non-empty)");
    }
    switch (scheme) {
      case VAULT, KUBERNETES -> {
        if (key.isEmpty()) {
          throw new IllegalArgumentException(
              "secret reference " + text + ": needs a key, as in " + example(scheme));
        }
      }
      case ENV -> {
        if (key.isPresent() || !path.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw new IllegalArgumentException(
              "secret reference "
                  + text
                  + ": needs an environment variable name, as in "
                  + example(scheme));
        }
      }
      case FILE -> {
        if (!path.startsWith("/")) {
          throw new IllegalArgumentException(
              "secret reference " + text + ": needs an absolute path, as in " + example(scheme));
        }
      }
    }
    String normalized = scheme == Scheme.VAULT ? trimSlashes(path) : path;
    return new SecretReference(scheme, normalized, key);
  }

  private static String example(Scheme scheme) {
    return switch (scheme) {
      case VAULT -> "vault:secret/data/my-app#s3SecretKey";
      case KUBERNETES -> "k8s:my-secret#password";
      case ENV -> "env:MY_PASSWORD";
      case FILE -> "file:/run/secrets/password";
    };
  }

  private static String trimSlashes(String path) {
    String p = path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  /** The reference as written: safe to show anywhere. */
  @Override
  public String toString() {
    return scheme.prefix + ":" + path + key.map(k -> "#" + k).orElse("");
  }
}
