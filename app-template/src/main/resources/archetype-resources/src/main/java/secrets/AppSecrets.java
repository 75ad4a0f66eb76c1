package ${package}.secrets;

import io.appspark.launcher.secrets.KubernetesSecretSource;
import io.appspark.launcher.secrets.SecretResolver;
import java.util.Map;
import java.util.Optional;

/**
 * The service's secrets come from appspark's secret sources: configuration holds a reference
 * ({@code vault:secret/data/app#key}, {@code k8s:secret#key}, {@code env:NAME}, {@code
 * file:/path}), resolved once at start, in memory. Each source is made on first use: Vault is
 * logged in to only when a {@code vault:} reference is met, the Kubernetes API only called for a
 * {@code k8s:} one.
 */
public final class AppSecrets {
  private AppSecrets() {}

  /**
   * {@code env:} and {@code file:} always; {@code vault:} when {@code VAULT_ADDR} and a login are
   * set ({@code VAULT_TOKEN}, AppRole, or {@code APPSPARK_VAULT_K8S_ROLE}); {@code k8s:} through
   * the Kubernetes API in the pod's own namespace.
   */
  public static SecretResolver resolver(Map<String, String> env) {
    return SecretResolver.fromEnvironment(env, Optional.of(KubernetesSecretSource::ofOwnNamespace));
  }
}
