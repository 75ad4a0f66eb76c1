package io.appspark.testing.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A running control plane: where its admin kubeconfig and kubectl are, and clients for it. Admin
 * clients are cluster-admin (group system:masters); {@link #clientAs} impersonates anyone else.
 */
public record ControlPlane(Path stateDir, Path kubeconfig, Path kubectl) {

  /** A new admin client; the caller closes it. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }

  /** A new client that acts as {@code user} (e.g. {@code system:serviceaccount:ns:name}). */
  public KubernetesClient clientAs(String user, String... groups) {
    Config config = config();
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The admin configuration, read from the kubeconfig start.sh wrote. */
  public Config config() {
    try {
      return Config.fromKubeconfig(Files.readString(kubeconfig));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + kubeconfig, e);
    }
  }
}
