package ${package}.secrets;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the service's secrets come from. The service asks for a secret by name and never learns
 * where it is kept: files (a mounted Kubernetes Secret, or Vault Agent's rendered files under
 * {@code /vault/secrets}), or environment variables. A source backed by appspark's own secret
 * sources (Vault, Kubernetes Secrets) can take this interface's place without the service
 * changing.
 */
@FunctionalInterface
public interface SecretSource {
  /** The secret called {@code name}, if this source has it. */
  Optional<String> get(String name);

  /** This source, then {@code next} for what this one lacks. */
  default SecretSource orElse(SecretSource next) {
    return name -> get(name).or(() -> next.get(name));
  }

  /**
   * Files in {@code $APP_SECRETS_DIR} first (when set), then {@code APP_SECRET_<NAME>} variables.
   */
  static SecretSource fromEnvironment(Map<String, String> env) {
    SecretSource variables = new EnvironmentSecretSource(env);
    String dir = env.get("APP_SECRETS_DIR");
    return dir == null || dir.isBlank()
        ? variables
        : new FileSecretSource(Path.of(dir)).orElse(variables);
  }
}
