package io.appspark.testing.kubernetes;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A user who administers one namespace and nothing else: the {@code admin} ClusterRole bound there
 * by a RoleBinding (what a platform team hands an app team; an OpenShift project's owner gets the
 * same), never cluster-admin. Here a ServiceAccount with a short-lived token, written to a
 * kubeconfig of its own for tools run as that user.
 */
public final class NamespaceAdmin {
  public static final String NAME = "app-team";

  private NamespaceAdmin() {}

  /** Creates the user in {@code namespace}; returns the path of its kubeconfig (mode 0600). */
  public static Path kubeconfig(
      ControlPlane plane, KubernetesClient admin, String namespace, Path dir) {
    admin
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName(NAME).endMetadata().build())
        .create();
    admin
        .rbac()
        .roleBindings()
        .inNamespace(namespace)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(NAME + "-admin")
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName("admin")
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(NAME)
                .withNamespace(namespace)
                .endSubject()
                .build())
        .create();
    String token =
        admin
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(NAME)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(7200L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    String server = plane.config().getMasterUrl().replaceAll("/+$", "");
    String ca = plane.stateDir().resolve("pki/ca.crt").toString();
    String text =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: test",
            "  cluster: {server: \"" + server + "\", certificate-authority: \"" + ca + "\"}",
            "users:",
            "- name: " + NAME,
            "  user: {token: \"" + token + "\"}",
            "contexts:",
            "- name: " + NAME,
            "  context: {cluster: test, user: " + NAME + ", namespace: " + namespace + "}",
            "current-context: " + NAME,
            "");
    try {
      Path file = dir.resolve(NAME + ".kubeconfig");
      Files.writeString(file, text);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the namespace admin's kubeconfig", e);
    }
  }
}
