package io.appspark.testing.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The app that owns an in-app cluster in tests: a Deployment of one pod, like an app's service. */
public final class AppDeployments {
  private AppDeployments() {}

  /** The app's Deployment in the namespace, created if it does not exist yet. */
  public static Deployment ensure(KubernetesClient client, String namespace, String name) {
    return ensure(client, namespace, name, "example/app:1");
  }

  /** The same with an image that a real node has (nothing is pulled there). */
  public static Deployment ensure(
      KubernetesClient client, String namespace, String name, String image) {
    Deployment existing = client.apps().deployments().inNamespace(namespace).withName(name).get();
    if (existing != null) {
      return existing;
    }
    return client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage(image)
                .withImagePullPolicy("IfNotPresent")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }
}
