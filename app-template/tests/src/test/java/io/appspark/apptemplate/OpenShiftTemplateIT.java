package io.appspark.apptemplate;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.testing.kubernetes.EnableControlPlane;
import io.appspark.testing.kubernetes.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
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
            "NetworkPolicy/fraud-spark",
            "Service/fraud-autoscaler",
            "Secret/fraud-spark-auth");
    Manifests.assertAppReadsTheAuthSecret(objects, "fraud");
    assertThat(Manifests.autoscalerBounds(objects, "fraud")).containsExactly("2", "6");
    Manifests.dryRun(client, namespace.name(), objects);
  }

  /** Each processing generates the cluster's RPC secret: 256 random bits, 64 hex digits. */
  @Test
  void processingGeneratesTheClustersSecret(KubernetesClient client, TestNamespace namespace) {
    String first = authSecret(processed(client, namespace.name()));
    String second = authSecret(processed(client, namespace.name()));

    assertThat(first).matches("[a-f0-9]{64}");
    assertThat(second).matches("[a-f0-9]{64}").isNotEqualTo(first);
  }

  static String authSecret(List<HasMetadata> objects) {
    Secret secret =
        objects.stream()
            .filter(
                o -> o instanceof Secret && o.getMetadata().getName().equals("fraud-spark-auth"))
            .map(Secret.class::cast)
            .findFirst()
            .orElseThrow();
    return secret.getStringData().get("secret");
  }

  /**
   * The Template's cluster objects are what {@code appspark render} makes for the spec the Template
   * holds: the launcher's model is their one source.
   */
  @Test
  void theClusterObjectsAreWhatRenderMakes(KubernetesClient client, TestNamespace namespace)
      throws IOException {
    List<HasMetadata> objects = processed(client, namespace.name());
    String spec =
        objects.stream()
            .filter(o -> o.getMetadata().getName().equals("fraud-spec"))
            .map(o -> ((ConfigMap) o).getData().get("appspark.yaml"))
            .findFirst()
            .orElseThrow();
    Path dir = Files.createDirectories(project.resolve("render-openshift"));
    Files.writeString(dir.resolve("appspark.yaml"), spec);
    String rendered = GeneratedProject.render(dir, namespace.name(), "fraud");
    List<HasMetadata> fromRender =
        KustomizeManifestsIT.normalized(Manifests.load(client, rendered));
    List<HasMetadata> inTemplate =
        objects.stream()
            .filter(o -> !o.getMetadata().getName().equals("fraud"))
            .filter(o -> !(o instanceof Secret))
            .toList();
    // The one label the Template adds to every object.
    inTemplate.forEach(o -> o.getMetadata().getLabels().remove("template"));
    // The autoscaler's spec hash is the Template's spec's, not the processed one's (a hash of
    // parameters cannot be a parameter); nothing re-applies the autoscaler, and changed bounds
    // roll it through its environment. The master's config hash stays compared.
    List.of(inTemplate, fromRender).forEach(OpenShiftTemplateIT::withoutSpecHash);

    assertThat(KustomizeManifestsIT.normalized(inTemplate)).isEqualTo(fromRender);
  }

  private static void withoutSpecHash(List<HasMetadata> objects) {
    objects.stream()
        .filter(o -> o instanceof Deployment)
        .map(o -> ((Deployment) o).getSpec().getTemplate().getMetadata().getAnnotations())
        .filter(java.util.Objects::nonNull)
        .forEach(a -> a.remove("appspark.io/spec-hash"));
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
    assertThat(Manifests.appEnv(app))
        .containsEntry("API_TOKEN_REF", "vault:secret/data/team/fraud#api-token")
        .containsEntry("APPSPARK_VAULT_K8S_MOUNT", "kubernetes");
    Manifests.assertAppLogsInToVault(app, "fraud-reader", "https://vault.vault.svc:8200");
    assertThat(app.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com/team/fraud:1.2");
    assertThat(
            client
                .secrets()
                .inNamespace(namespace.name())
                .withName("fraud-spark-auth")
                .get()
                .getData())
        .containsKey("secret");
  }
}
