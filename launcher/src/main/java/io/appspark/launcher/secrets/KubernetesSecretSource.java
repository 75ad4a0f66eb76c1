package io.appspark.launcher.secrets;

import io.appspark.launcher.secrets.SecretException.Reason;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * {@code k8s:<secret>#<key>} references: a key of a Secret in one namespace (the app's), read
 * through the API with the caller's own permissions (a Role allowing {@code get} on that Secret).
 */
public final class KubernetesSecretSource implements SecretSource {
  private final KubernetesClient client;
  private final String namespace;

  public KubernetesSecretSource(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * The source a process in a pod uses: the client configured the usual way (in a pod, its service
   * account), reading Secrets of its own namespace.
   *
   * @throws IllegalArgumentException when the client knows no namespace
   */
  public static KubernetesSecretSource ofOwnNamespace() {
    KubernetesClient client = new KubernetesClientBuilder().build();
    String namespace = client.getNamespace();
    if (namespace == null || namespace.isBlank()) {
      client.close();
      throw new IllegalArgumentException(
          "no namespace: k8s: references are read in the pod's namespace"
              + " (or KUBERNETES_NAMESPACE's)");
    }
    return new KubernetesSecretSource(client, namespace);
  }

  @Override
  public String read(SecretReference reference) {
    Secret secret = fetch(reference);
    if (secret == null) {
      throw new SecretException(
          reference, Reason.MISSING_PATH, "no Secret of that name in namespace " + namespace);
    }
    String key = reference.key().orElseThrow();
    Map<String, String> data = secret.getData();
    if (data != null && data.containsKey(key)) {
      return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
    }
    Map<String, String> stringData = secret.getStringData();
    if (stringData != null && stringData.containsKey(key)) {
      return stringData.get(key);
    }
    throw new SecretException(reference, Reason.MISSING_KEY, "in namespace " + namespace);
  }

  private Secret fetch(SecretReference reference) {
    try {
      return client.secrets().inNamespace(namespace).withName(reference.path()).get();
    } catch (KubernetesClientException e) {
      int code = e.getCode();
      Reason reason =
          switch (code) {
            case 401 -> Reason.EXPIRED_TOKEN;
            case 403 -> Reason.PERMISSION_DENIED;
            case 404 -> Reason.MISSING_PATH;
            default -> Reason.UNREACHABLE;
          };
      throw new SecretException(
          reference,
          reason,
          "Kubernetes API, namespace " + namespace + (code > 0 ? ", HTTP " + code : ""));
    }
  }
}
