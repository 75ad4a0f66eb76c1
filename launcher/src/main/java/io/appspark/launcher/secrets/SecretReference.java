package io.appspark.launcher.secrets;

import java.util.Optional;
import java.util.regex.Pattern;

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
  private static final Pattern K8S_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  private static final Pattern K8S_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

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
    problem(text)
        .ifPresent(
            reason -> {
              throw new IllegalArgumentException("secret reference " + text + ": " + reason);
            });
    Parts parts = Parts.of(text);
    String normalized = parts.scheme() == Scheme.VAULT ? trimSlashes(parts.path()) : parts.path();
    return new SecretReference(parts.scheme(), normalized, parts.key());
  }

  /**
   * What is wrong with a reference ({@link #isReference} text) that does not follow its scheme's
   * grammar, phrased without quoting it (a mistyped reference may hold a value by mistake), with an
   * example of the right form; empty when it is well formed.
   */
  public static Optional<String> problem(String text) {
    if (!isReference(text)) {
      throw new IllegalArgumentException("not a secret reference");
    }
    Parts parts = Parts.of(text);
    Scheme scheme = parts.scheme();
    String path = parts.path();
    Optional<String> key = parts.key();
    if (path.isBlank()) {
      return Optional.of("needs " + parts(scheme) + ", as in " + example(scheme));
    }
    if (key.map(String::isBlank).orElse(false)) {
      return Optional.of("has an empty key after '#', as in " + example(scheme));
    }
    return switch (scheme) {
      case VAULT -> {
        if (key.isEmpty()) {
          yield Optional.of("needs a key, as in " + example(scheme));
        }
        yield trimSlashes(path).isEmpty()
            ? Optional.of("needs a path, as in " + example(scheme))
            : Optional.empty();
      }
      case KUBERNETES -> {
        if (key.isEmpty()) {
          yield Optional.of("needs a key, as in " + example(scheme));
        }
        if (path.length() > 253 || !K8S_NAME.matcher(path).matches()) {
          yield Optional.of(
              "needs a Secret's name (lower-case letters, digits, '-' and '.'), as in "
                  + example(scheme));
        }
        yield K8S_KEY.matcher(key.get()).matches()
            ? Optional.empty()
            : Optional.of(
                "needs a key of letters, digits, '-', '_' and '.', as in " + example(scheme));
      }
      case ENV ->
          key.isPresent() || !path.matches("[A-Za-z_][A-Za-z0-9_]*")
              ? Optional.of("needs an environment variable name, as in " + example(scheme))
              : Optional.empty();
      case FILE ->
          path.startsWith("/")
              ? Optional.empty()
              : Optional.of("needs an absolute path, as in " + example(scheme));
    };
  }

  /** A reference's text split at its scheme's colon and its last '#'. */
  private record Parts(Scheme scheme, String path, Optional<String> key) {
    static Parts of(String text) {
      int colon = text.indexOf(':');
      Scheme scheme = Scheme.ofPrefix(text.substring(0, colon)).orElseThrow();
      String rest = text.substring(colon + 1);
      int hash = rest.lastIndexOf('#');
      return new Parts(
          scheme,
          hash < 0 ? rest : rest.substring(0, hash),
          hash < 0 ? Optional.empty() : Optional.of(rest.substring(hash + 1)));
    }
  }

  private static String parts(Scheme scheme) {
    return switch (scheme) {
      case VAULT -> "a Vault path and a key";
      case KUBERNETES -> "a Secret's name and a key";
      case ENV -> "an environment variable's name";
      case FILE -> "an absolute path";
    };
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
