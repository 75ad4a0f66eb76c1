package io.appspark.launcher.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import picocli.CommandLine.Option;

/**
 * Options that send a command to Kubernetes instead of the local backend. The client finds its
 * configuration the usual way (KUBECONFIG, ~/.kube/config, or the pod's service account).
 */
final class KubernetesOptions {
  @Option(
      names = "--kubernetes",
      description = "Act on the cluster in Kubernetes (current kubeconfig context).")
  boolean enabled;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "Kubernetes namespace (default: the kubeconfig context's, else 'default').")
  String namespace;

  KubernetesClient client() {
    return new KubernetesClientBuilder().build();
  }

  String namespace(KubernetesClient client) {
    if (namespace != null) {
      return namespace;
    }
    String fromConfig = client.getNamespace();
    return fromConfig == null ? "default" : fromConfig;
  }
}
