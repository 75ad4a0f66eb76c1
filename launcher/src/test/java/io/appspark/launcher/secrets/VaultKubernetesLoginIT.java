package io.appspark.launcher.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.appspark.launcher.secrets.SecretException.Reason;
import io.appspark.testing.kubernetes.ControlPlane;
import io.appspark.testing.kubernetes.EnableControlPlane;
import io.appspark.testing.kubernetes.TestNamespace;
import io.appspark.testing.vault.EnableVault;
import io.appspark.testing.vault.VaultServer;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  private final KubernetesClient client;
  private final String namespace;
  private final VaultServer vault;
  private final String app = "app-" + UUID.randomUUID();
  private final String value = "k8s-login-" + UUID.randomUUID();

  VaultKubernetesLoginIT(
      KubernetesClient client, TestNamespace namespace, VaultServer vault, ControlPlane plane)
      throws Exception {
    this.client = client;
    this.namespace = namespace.name();
    this.vault = vault;
    String reviewerJwt = serviceAccountToken("vault-reviewer");
    client
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(this.namespace + "-vault-reviewer")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "system:auth-delegator")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("vault-reviewer")
                .withNamespace(this.namespace)
                .endSubject()
                .build())
        .serverSideApply();
    awaitReviewerMayReviewTokens();
    vault.enableAuth("kubernetes", "kubernetes");
    vault.write(
        "auth/kubernetes/config",
        Map.of(
            "kubernetes_host", client.getConfiguration().getMasterUrl(),
            "kubernetes_ca_cert",
                Files.readString(plane.stateDir().resolve("pki/ca.crt"), StandardCharsets.UTF_8),
            "token_reviewer_jwt", reviewerJwt));
    vault.putKv2("secret", app, Map.of("password", value));
    vault.policy("read-" + app, "path \"secret/data/" + app + "\" { capabilities = [\"read\"] }\n");
    vault.write(
        "auth/kubernetes/role/" + app,
        Map.of(
            "bound_service_account_names",
            "app",
            "bound_service_account_namespaces",
            this.namespace,
            "token_policies",
            "read-" + app,
            "token_ttl",
            "10m"));
  }

  @Test
  void aServiceAccountTokenFromTheApiserverLogsInAndReadsTheAppsSecret(@TempDir Path dir)
      throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, serviceAccountToken("app"));

    SecretSource source = source(tokenFile);

    assertThat(source.read(SecretReference.parse("vault:secret/data/" + app + "#password")))
        .isEqualTo(value);
  }

  @Test
  void anotherServiceAccountIsRefusedWithALoginFailure(@TempDir Path dir) throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, serviceAccountToken("intruder"));

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

  /**
   * The apiserver's RBAC authorizer learns of a new binding from its informers, a moment after the
   * write; Vault's first TokenReview must not come before that.
   */
  private void awaitReviewerMayReviewTokens() {
    await("the apiserver to let vault-reviewer create TokenReviews")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client
                    .authorization()
                    .v1()
                    .subjectAccessReview()
                    .create(
                        new SubjectAccessReviewBuilder()
                            .withNewSpec()
                            .withUser("system:serviceaccount:" + namespace + ":vault-reviewer")
                            .withGroups("system:serviceaccounts")
                            .withNewResourceAttributes()
                            .withGroup("authentication.k8s.io")
                            .withResource("tokenreviews")
                            .withVerb("create")
                            .endResourceAttributes()
                            .endSpec()
                            .build())
                    .getStatus()
                    .getAllowed());
  }

  /** A fresh token for a service account of the test namespace, through TokenRequest. */
  private String serviceAccountToken(String name) {
    client
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
    return client
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(name)
        .tokenRequest(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build())
        .getStatus()
        .getToken();
  }
}
