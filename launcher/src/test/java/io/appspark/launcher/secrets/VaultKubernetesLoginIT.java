package io.appspark.launcher.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.appspark.launcher.secrets.SecretException.Reason;
import io.appspark.testing.kubernetes.ControlPlane;
import io.appspark.testing.kubernetes.EnableControlPlane;
import io.appspark.testing.kubernetes.TestNamespace;
import io.appspark.testing.vault.EnableVault;
import io.appspark.testing.vault.VaultKubernetesAuth;
import io.appspark.testing.vault.VaultServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes login end to end: the real kube-apiserver issues a service-account token
 * (TokenRequest); Vault's kubernetes auth method checks it with a TokenReview against that same
 * apiserver and hands out a token whose policy reads the app's secret.
 */
@EnableControlPlane
@EnableVault
class VaultKubernetesLoginIT {
  private final String namespace;
  private final VaultServer vault;
  private final VaultKubernetesAuth auth;
  private final String app = "app-" + UUID.randomUUID();
  private final String value = "k8s-login-" + UUID.randomUUID();

  VaultKubernetesLoginIT(
      KubernetesClient client, TestNamespace namespace, VaultServer vault, ControlPlane plane)
      throws Exception {
    this.namespace = namespace.name();
    this.vault = vault;
    this.auth = VaultKubernetesAuth.enable(vault, client, plane, this.namespace);
    vault.putKv2("secret", app, Map.of("password", value));
    auth.allowRead(app, this.namespace, "app", app);
  }

  @Test
  void aServiceAccountTokenFromTheApiserverLogsInAndReadsTheAppsSecret(@TempDir Path dir)
      throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, auth.serviceAccountToken(namespace, "app"));

    SecretSource source = source(tokenFile);

    assertThat(source.read(SecretReference.parse("vault:secret/data/" + app + "#password")))
        .isEqualTo(value);
  }

  @Test
  void anotherServiceAccountIsRefusedWithALoginFailure(@TempDir Path dir) throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, auth.serviceAccountToken(namespace, "intruder"));

    SecretException e =
        catchThrowableOfType(
            SecretException.class,
            () ->
                source(tokenFile)
                    .read(SecretReference.parse("vault:secret/data/" + app + "#password")));

    assertThat(e.reason()).isEqualTo(Reason.LOGIN_FAILED);
    assertThat(e.getMessage())
        .startsWith("secret vault:secret/data/" + app + "#password: login failed")
        .contains("Kubernetes login at auth/kubernetes as role " + app)
        .doesNotContain(value);
  }

  private SecretSource source(Path tokenFile) {
    return new VaultSecretSource(
        VaultSettings.of(
            vault.address(),
            new VaultLogin.Kubernetes("kubernetes", app, tokenFile),
            Optional.of(vault.caCertificate())));
  }
}
