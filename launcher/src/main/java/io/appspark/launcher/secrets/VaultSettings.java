package io.appspark.launcher.secrets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where Vault is and how to log in, parsed once from the environment, failing fast with the name of
 * the variable at fault.
 *
 * @param address Vault's base URL, e.g. {@code https://vault.example:8200}
 * @param login how to get a token
 * @param caCertificate a PEM file of the CA that signed Vault's certificate (else the JVM's)
 * @param attempts how many times a request is tried when Vault is unreachable or answers 5xx
 * @param firstBackoff the wait before the second attempt; it doubles for each next one
 * @param timeout connect and read timeout of each request
 */
public record VaultSettings(
    String address,
    VaultLogin login,
    Optional<Path> caCertificate,
    int attempts,
    Duration firstBackoff,
    Duration timeout) {
  public static final String ADDRESS = "VAULT_ADDR";
  public static final String TOKEN = "VAULT_TOKEN";
  public static final String CA_CERT = "VAULT_CACERT";
  public static final String ROLE_ID = "VAULT_ROLE_ID";
  public static final String SECRET_ID = "VAULT_SECRET_ID";
  public static final String APPROLE_MOUNT = "APPSPARK_VAULT_APPROLE_MOUNT";
  public static final String K8S_ROLE = "APPSPARK_VAULT_K8S_ROLE";
  public static final String K8S_MOUNT = "APPSPARK_VAULT_K8S_MOUNT";
  public static final String K8S_TOKEN_FILE = "APPSPARK_VAULT_K8S_TOKEN_FILE";
  public static final String ATTEMPTS = "APPSPARK_VAULT_ATTEMPTS";

  public VaultSettings {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    address = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
  }

  /** Settings with the defaults: 4 attempts from 200 ms backoff, 10 s timeout. */
  public static VaultSettings of(String address, VaultLogin login, Optional<Path> caCertificate) {
    return new VaultSettings(
        address, login, caCertificate, 4, Duration.ofMillis(200), Duration.ofSeconds(10));
  }

  /** Whether the environment asks for Vault at all ({@code VAULT_ADDR} is set). */
  public static boolean configuredIn(Map<String, String> env) {
    return present(env, ADDRESS);
  }

  /**
   * Reads the settings: {@code VAULT_ADDR}; a login from {@code VAULT_TOKEN}, else {@code
   * VAULT_ROLE_ID} and {@code VAULT_SECRET_ID} (AppRole), else {@code APPSPARK_VAULT_K8S_ROLE}
   * (Kubernetes, with the pod's service-account token); optional {@code VAULT_CACERT}.
   */
  public static VaultSettings fromEnvironment(Map<String, String> env) {
    if (!present(env, ADDRESS)) {
      throw new IllegalArgumentException(ADDRESS + " is not set: Vault's address is needed");
    }
    String address = env.get(ADDRESS);
    if (!address.startsWith("http://") && !address.startsWith("https://")) {
      throw new IllegalArgumentException(
          ADDRESS + " must be an http:// or https:// URL, got " + address);
    }
    Optional<Path> ca =
        Optional.ofNullable(env.get(CA_CERT)).filter(s -> !s.isBlank()).map(Path::of);
    if (ca.isPresent() && !Files.isReadable(ca.get())) {
      throw new IllegalArgumentException(CA_CERT + ": cannot read " + ca.get());
    }
    VaultSettings settings = of(address, login(env), ca);
    if (present(env, ATTEMPTS)) {
      try {
        return new VaultSettings(
            settings.address,
            settings.login,
            ca,
            Integer.parseInt(env.get(ATTEMPTS).trim()),
            settings.firstBackoff,
            settings.timeout);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            ATTEMPTS + " must be a whole number of at least 1, got " + env.get(ATTEMPTS), e);
      }
    }
    return settings;
  }

  private static VaultLogin login(Map<String, String> env) {
    if (present(env, TOKEN)) {
      return new VaultLogin.Token(env.get(TOKEN).trim());
    }
    if (present(env, ROLE_ID) || present(env, SECRET_ID)) {
      if (!present(env, ROLE_ID) || !present(env, SECRET_ID)) {
        throw new IllegalArgumentException(
            "an AppRole login needs both " + ROLE_ID + " and " + SECRET_ID);
      }
      return new VaultLogin.AppRole(
          env.getOrDefault(APPROLE_MOUNT, "approle"), env.get(ROLE_ID), env.get(SECRET_ID));
    }
    if (present(env, K8S_ROLE)) {
      return new VaultLogin.Kubernetes(
          env.getOrDefault(K8S_MOUNT, "kubernetes"),
          env.get(K8S_ROLE),
          Optional.ofNullable(env.get(K8S_TOKEN_FILE))
              .map(Path::of)
              .orElse(VaultLogin.Kubernetes.SERVICE_ACCOUNT_TOKEN));
    }
    throw new IllegalArgumentException(
        "no Vault login: set "
            + TOKEN
            + ", or "
            + ROLE_ID
            + " and "
            + SECRET_ID
            + " (AppRole), or "
            + K8S_ROLE
            + " (Kubernetes service account)");
  }

  private static boolean present(Map<String, String> env, String name) {
    String value = env.get(name);
    return value != null && !value.isBlank();
  }
}
