package io.appspark.launcher.secrets;

import io.appspark.launcher.secrets.SecretException.Reason;
import io.appspark.launcher.secrets.SecretReference.Scheme;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Replaces secret references in settings by their values, in memory, at run time: Spark settings of
 * the cluster spec and an app's own configuration alike. Sources are made on first use, so Vault is
 * only logged in to when a {@code vault:} reference is met.
 */
public final class SecretResolver {
  private final Map<Scheme, Supplier<SecretSource>> suppliers;
  private final Map<Scheme, SecretSource> sources = new EnumMap<>(Scheme.class);

  public SecretResolver(Map<Scheme, Supplier<SecretSource>> suppliers) {
    this.suppliers = new EnumMap<>(suppliers);
  }

  /** A resolver with one source for every scheme it serves; others fail as not configured. */
  public static SecretResolver of(Map<Scheme, SecretSource> sources) {
    Map<Scheme, Supplier<SecretSource>> suppliers = new EnumMap<>(Scheme.class);
    sources.forEach((scheme, source) -> suppliers.put(scheme, () -> source));
    return new SecretResolver(suppliers);
  }

  /**
   * The resolver a process gets from its environment: {@code env:} and {@code file:} always; {@code
   * vault:} when {@code VAULT_ADDR} is set (see {@link VaultSettings#fromEnvironment}); {@code
   * k8s:} when a Kubernetes source is given.
   */
  public static SecretResolver fromEnvironment(
      Map<String, String> env, Optional<Supplier<SecretSource>> kubernetes) {
    Map<Scheme, Supplier<SecretSource>> suppliers = new EnumMap<>(Scheme.class);
    EnvFileSecretSource local = new EnvFileSecretSource(env);
    suppliers.put(Scheme.ENV, () -> local);
    suppliers.put(Scheme.FILE, () -> local);
    if (VaultSettings.configuredIn(env)) {
      suppliers.put(Scheme.VAULT, () -> new VaultSecretSource(VaultSettings.fromEnvironment(env)));
    }
    kubernetes.ifPresent(k -> suppliers.put(Scheme.KUBERNETES, k));
    return new SecretResolver(suppliers);
  }

  /** A value, or the secret it refers to. */
  public String resolve(String valueOrReference) {
    if (!SecretReference.isReference(valueOrReference)) {
      return valueOrReference;
    }
    SecretReference reference = SecretReference.parse(valueOrReference);
    return source(reference).read(reference);
  }

  /** The settings with every reference replaced by its value; the order is kept. */
  public Resolved resolveAll(Map<String, String> settings) {
    Map<String, String> values = new LinkedHashMap<>();
    TreeSet<String> secretKeys = new TreeSet<>();
    settings.forEach(
        (key, value) -> {
          if (SecretReference.isReference(value)) {
            secretKeys.add(key);
          }
          values.put(key, resolve(value));
        });
    return new Resolved(values, secretKeys);
  }

  private synchronized SecretSource source(SecretReference reference) {
    SecretSource source = sources.get(reference.scheme());
    if (source == null) {
      Supplier<SecretSource> supplier = suppliers.get(reference.scheme());
      if (supplier == null) {
        throw new SecretException(reference, Reason.NOT_CONFIGURED, hint(reference.scheme()));
      }
      try {
        source = supplier.get();
      } catch (IllegalArgumentException e) {
        throw new SecretException(reference, Reason.NOT_CONFIGURED, e.getMessage());
      }
      sources.put(reference.scheme(), source);
    }
    return source;
  }

  private static String hint(Scheme scheme) {
    return switch (scheme) {
      case VAULT -> "set " + VaultSettings.ADDRESS + " and a Vault login";
      case KUBERNETES -> "k8s: references are read on Kubernetes, with the app's namespace";
      case ENV, FILE -> "";
    };
  }

  /**
   * Settings after resolution: all of them, and which keys held a secret (for redaction, and to
   * keep them off command lines and files).
   */
  public record Resolved(Map<String, String> values, java.util.SortedSet<String> secretKeys) {
    public Resolved {
      values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
      secretKeys = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(secretKeys));
    }

    /** Only the settings that held no reference. */
    public Map<String, String> plain() {
      Map<String, String> plain = new LinkedHashMap<>(values);
      plain.keySet().removeAll(secretKeys);
      return plain;
    }

    /** Only the settings that held a reference, with their values. */
    public Map<String, String> secrets() {
      Map<String, String> secrets = new LinkedHashMap<>(values);
      secrets.keySet().retainAll(secretKeys);
      return secrets;
    }

    @Override
    public String toString() {
      return "Resolved[" + values.size() + " settings, secrets in " + secretKeys + "]";
    }
  }
}
