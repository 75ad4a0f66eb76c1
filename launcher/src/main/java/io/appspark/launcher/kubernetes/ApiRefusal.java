package io.appspark.launcher.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What a failed Kubernetes API call tells the user: one line with the API's own reason and what to
 * do about it, never the client's stack trace. Refusals name the right that is enough.
 */
public final class ApiRefusal {
  private ApiRefusal() {}

  public static String describe(KubernetesClientException e) {
    return describe(e.getCode(), reason(e));
  }

  static String describe(int httpCode, String reason) {
    return switch (httpCode) {
      case -1, 0 ->
          "cannot reach the Kubernetes API: "
              + reason
              + "; check that KUBECONFIG (or ~/.kube/config) points at a running cluster";
      case 401 ->
          "the Kubernetes API did not accept your credentials (HTTP 401): "
              + reason
              + "; log in again or check the user of your kubeconfig's context";
      case 403 ->
          "the Kubernetes API refused (HTTP 403): "
              + reason
              + ". appspark needs namespace rights only: the namespace's admin ClusterRole bound"
              + " to you there is enough (kubectl create rolebinding NAME --clusterrole=admin"
              + " --user=YOU -n NAMESPACE)";
      default -> "the Kubernetes API answered HTTP " + httpCode + ": " + reason;
    };
  }

  private static String reason(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
