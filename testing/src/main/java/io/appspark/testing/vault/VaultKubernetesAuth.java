package io.appspark.testing.vault;

import static org.awaitility.Awaitility.await;

import io.appspark.testing.kubernetes.ControlPlane;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

/**
 * Vault's kubernetes auth method against the test control plane, set up as a platform team does it:
 * a reviewer service account bound to {@code system:auth-delegator} (Vault checks each login's
 * token with a TokenReview under that account), the apiserver's address and CA in the method's
 * config, then one role per app: a service account of a namespace, a policy reading its secret.
 */
public final class VaultKubernetesAuth {
  public static final String MOUNT = "kubernetes";

  private final VaultServer vault;
  private final KubernetesClient admin;

  private VaultKubernetesAuth(VaultServer vault, KubernetesClient admin) {
    this.vault = vault;
    this.admin = admin;
  }

  /**
   * Enables the method at {@link #MOUNT} with a reviewer account {@code vault-reviewer} in {@code
   * namespace}; returns once the apiserver lets that account create TokenReviews.
   */
  public static VaultKubernetesAuth enable(
      VaultServer vault, KubernetesClient admin, ControlPlane plane, String namespace) {
    VaultKubernetesAuth auth = new VaultKubernetesAuth(vault, admin);
    String reviewerJwt = auth.serviceAccountToken(namespace, "vault-reviewer");
    admin
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(namespace + "-vault-reviewer")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "system:auth-delegator")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("vault-reviewer")
                .withNamespace(namespace)
                .endSubject()
                .build())
        .serverSideApply();
    auth.awaitReviewerMayReviewTokens(namespace);
    vault.enableAuth(MOUNT, "kubernetes");
    vault.write(
        "auth/" + MOUNT + "/config",
        Map.of(
            "kubernetes_host",
            admin.getConfiguration().getMasterUrl(),
            "kubernetes_ca_cert",
            caCertificate(plane),
            "token_reviewer_jwt",
            reviewerJwt));
    return auth;
  }

  /**
   * A role {@code role} for service account {@code serviceAccount} of {@code namespace}, whose
   * tokens may read the KV v2 secret {@code secret/data/<secretName>} (10-minute tokens).
   */
  public void allowRead(String role, String namespace, String serviceAccount, String secretName) {
    vault.policy(
        "read-" + secretName,
        "path \"secret/data/" + secretName + "\" { capabilities = [\"read\"] }\n");
    vault.write(
        "auth/" + MOUNT + "/role/" + role,
        Map.of(
            "bound_service_account_names",
            serviceAccount,
            "bound_service_account_namespaces",
            namespace,
            "token_policies",
            "read-" + secretName,
            "token_ttl",
            "10m"));
  }

  /** A fresh 10-minute token of a service account (made if missing), through TokenRequest. */
  public String serviceAccountToken(String namespace, String name) {
    admin
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
    return admin
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(name)
        .tokenRequest(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build())
        .getStatus()
        .getToken();
  }

  private static String caCertificate(ControlPlane plane) {
    try {
      return Files.readString(plane.stateDir().resolve("pki/ca.crt"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the control plane's CA", e);
    }
  }

  /**
   * The apiserver's RBAC authorizer learns of a new binding from its informers, a moment after the
   * write; Vault's first TokenReview must not come before that.
   */
  private void awaitReviewerMayReviewTokens(String namespace) {
    await("the apiserver to let vault-reviewer create TokenReviews")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                admin
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
}
