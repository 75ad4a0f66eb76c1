package io.appspark.apptemplate;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.testing.kubernetes.EnableControlPlane;
import io.appspark.testing.kubernetes.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.client.OpenShiftClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated OpenShift Template, processed with its parameters the way {@code oc process} does
 * (Fabric8's processLocally), on a real Kubernetes control plane.
 */
@EnableControlPlane
class OpenShiftTemplateIT {
  static final String APP = "fraud-scorer";
  static Path project;

  @BeforeAll
  static void generate() throws IOException {
    Path runs = Files.createDirectories(Path.of("target", "generated-apps").toAbsolutePath());
    project = GeneratedProject.generate(Files.createTempDirectory(runs, "openshift"), APP);
  }

  static List<HasMetadata> processed(KubernetesClient client, String namespace) {
    Map<String, String> parameters =
        Map.of(
            "APP_NAME", "fraud",
            "NAMESPACE", namespace,
            "IMAGE", "registry.example.com/team/fraud:1.2",
            "WORKERS_MIN", "2",
            "WORKERS_MAX", "6",
            "VAULT_ROLE", "fraud-reader",
            "VAULT_SECRET_PATH", "secret/data/team/fraud");
    OpenShiftClient openShift = client.adapt(OpenShiftClient.class);
    return openShift
        .templates()
        .load(project.resolve("deploy/openshift/template.yaml").toFile())
        .processLocally(parameters)
        .getItems();
  }

  @Test
  void theProcessedTemplatePassesTheApiServersDryRun(
      KubernetesClient client, TestNamespace namespace) {
    List<HasMetadata> objects = processed(client, namespace.name());

    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains(
            "Deployment/fraud",
            "Deployment/fraud-autoscaler",
            "Deployment/fraud-spark-master",
            "ConfigMap/fraud-spec",
            "RoleBinding/fraud-autoscaler",
            "NetworkPolicy/fraud-spark");
    Manifests.dryRun(client, namespace.name(), objects);
  }

  @Test
  void applyingItRunsTheAppWithVaultItsAutoscalerAndItsCluster(
      KubernetesClient client, TestNamespace namespace) {
    Manifests.apply(client, namespace.name(), processed(client, namespace.name()));

    Manifests.awaitRunning(client, namespace.name(), "fraud", 2);
    assertThat(Manifests.spec(client, namespace.name(), "fraud"))
        .contains("name: fraud", "min: 2", "max: 6");
    Deployment app =
        client.apps().deployments().inNamespace(namespace.name()).withName("fraud").get();
    assertThat(app.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("vault.hashicorp.com/role", "fraud-reader")
        .containsEntry(
            "vault.hashicorp.com/agent-inject-secret-api-token", "secret/data/team/fraud");
    assertThat(app.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com/team/fraud:1.2");
  }
}
