package io.appspark.launcher.kubernetes;

import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.kubernetes.model.AppOwner;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/** Finds the app's Deployment that will own a cluster, given as {@code deployment/NAME}. */
public final class AppOwners {
  private AppOwners() {}

  /** The Deployment's name from {@code deployment/NAME}, or a usage error naming the option. */
  public static String parse(String owner) {
    String[] parts = owner.split("/", -1);
    boolean kindOk =
        parts.length == 2
            && (parts[0].equals("deployment")
                || parts[0].equals("deployments")
                || parts[0].equals("deployment.apps"));
    if (!kindOk || !parts[1].matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      throw new LauncherException(
          ExitCode.USAGE,
          "--owner: must be deployment/NAME (the app's Deployment); got '" + owner + "'");
    }
    return parts[1];
  }

  /** Reads the Deployment: its uid for ownerReferences, its selector for the NetworkPolicy. */
  public static AppOwner lookup(KubernetesClient client, String namespace, String owner) {
    String name = parse(owner);
    Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
    if (deployment == null) {
      throw new LauncherException(
          ExitCode.NOT_FOUND,
          "--owner: no Deployment '" + name + "' in namespace '" + namespace + "'");
    }
    Map<String, String> selector =
        deployment.getSpec().getSelector() == null
                || deployment.getSpec().getSelector().getMatchLabels() == null
            ? Map.of()
            : deployment.getSpec().getSelector().getMatchLabels();
    return new AppOwner(name, deployment.getMetadata().getUid(), selector);
  }
}
