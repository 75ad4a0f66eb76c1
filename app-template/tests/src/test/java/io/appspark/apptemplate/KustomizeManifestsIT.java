package io.appspark.apptemplate;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.testing.kubernetes.ControlPlane;
import io.appspark.testing.kubernetes.EnableControlPlane;
import io.appspark.testing.kubernetes.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generated kustomize overlays on a real Kubernetes control plane. */
@EnableControlPlane
class KustomizeManifestsIT {
  static final String APP = "shop-scorer";
  static Path project;

  @BeforeAll
  static void generate() throws IOException {
    Path runs = Files.createDirectories(Path.of("target", "generated-apps").toAbsolutePath());
    project = GeneratedProject.generate(Files.createTempDirectory(runs, "kustomize"), APP);
  }

  @Test
  void bothOverlaysPassTheApiServersDryRun(
      KubernetesClient client, TestNamespace namespace, ControlPlane plane) {
    for (String overlay : List.of("dev", "prod")) {
      List<HasMetadata> objects =
          Manifests.kustomize(client, plane.kubectl(), project, overlay, namespace.name());
      assertThat(objects)
          .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
          .contains(
              "Deployment/" + APP,
              "Service/" + APP,
              "Deployment/" + APP + "-autoscaler",
              "ConfigMap/" + APP + "-spec",
              "ServiceAccount/" + APP + "-autoscaler",
              "Role/" + APP + "-autoscaler",
              "RoleBinding/" + APP + "-autoscaler",
              "NetworkPolicy/" + APP + "-spark",
              "ConfigMap/" + APP + "-spark-conf",
              "Deployment/" + APP + "-spark-master",
              "Service/" + APP + "-spark-master",
              "Deployment/" + APP + "-autoscaler",
              "Service/" + APP + "-autoscaler");
      assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("Secret");
      Manifests.assertAppReadsTheAuthSecret(objects, APP);
      Manifests.dryRun(client, namespace.name(), objects);
    }
  }

  @Test
  void applyingDevRunsTheAppItsAutoscalerAndItsCluster(
      KubernetesClient client, TestNamespace namespace, ControlPlane plane) {
    List<HasMetadata> objects =
        Manifests.kustomize(client, plane.kubectl(), project, "dev", namespace.name());
    // What the README says to do before the first apply: the cluster's RPC secret.
    String secret = APP + "-spark-auth";
    int created =
        GeneratedProject.run(
            project,
            project.resolve("create-secret.log"),
            Map.of(
                "KUBECTL", plane.kubectl().toString(),
                "KUBECONFIG", plane.kubeconfig().toString(),
                "NS", namespace.name()),
            GeneratedProject.Duration.GENERATE,
            "bash",
            "-c",
            "\"$KUBECTL\" -n \"$NS\" create secret generic "
                + secret
                + " --from-literal=secret=$(openssl rand -hex 32)");
    assertThat(created).as(GeneratedProject.read(project.resolve("create-secret.log"))).isZero();

    Manifests.apply(client, namespace.name(), objects);

    Manifests.awaitRunning(client, namespace.name(), APP, 1);
    assertThat(Manifests.spec(client, namespace.name(), APP)).contains("name: " + APP);
    Deployment autoscaler =
        client
            .apps()
            .deployments()
            .inNamespace(namespace.name())
            .withName(APP + "-autoscaler")
            .get();
    assertThat(autoscaler.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(APP + "-autoscaler");
    assertThat(client.secrets().inNamespace(namespace.name()).withName(secret).get().getData())
        .containsKey("secret");
    RoleBinding binding =
        client
            .rbac()
            .roleBindings()
            .inNamespace(namespace.name())
            .withName(APP + "-autoscaler")
            .get();
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getNamespace()).isEqualTo(namespace.name()));
  }

  /**
   * dev reads the API token from the Secret {@code <app>-secrets} mounted as files; prod from
   * Vault, with no such Secret mounted.
   */
  @Test
  void theAppsTokenIsAReferenceToAMountedSecretInDevAndToVaultInProd(
      KubernetesClient client, TestNamespace namespace, ControlPlane plane) {
    Deployment dev =
        Manifests.deployment(
            Manifests.kustomize(client, plane.kubectl(), project, "dev", namespace.name()), APP);
    assertThat(Manifests.appEnv(dev))
        .containsEntry("API_TOKEN_REF", "file:/etc/app/secrets/api-token")
        .doesNotContainKey("VAULT_ADDR");
    assertThat(dev.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactly(APP + "-secrets");
    assertThat(dev.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/app/secrets"));

    Deployment prod =
        Manifests.deployment(
            Manifests.kustomize(client, plane.kubectl(), project, "prod", namespace.name()), APP);
    assertThat(Manifests.appEnv(prod))
        .containsEntry("API_TOKEN_REF", "vault:secret/data/" + APP + "#api-token");
    Manifests.assertAppLogsInToVault(prod, APP, "https://vault.vault.svc:8200");
    assertThat(prod.getSpec().getTemplate().getSpec().getVolumes())
        .noneSatisfy(v -> assertThat(v.getSecret()).isNotNull());
    assertThat(prod.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
        .noneSatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/app/secrets"));
  }

  /**
   * Each overlay's {@code images:} takes effect: dev runs the image the README builds under a tag
   * that is not {@code latest} (which Kubernetes always pulls, and a local image is in no
   * registry); prod runs the one pushed to its registry. (The base renames the image first, so an
   * overlay must name the base's result.)
   */
  @Test
  void eachOverlayRunsItsOwnImage(
      KubernetesClient client, TestNamespace namespace, ControlPlane plane) {
    Deployment dev =
        Manifests.deployment(
            Manifests.kustomize(client, plane.kubectl(), project, "dev", namespace.name()), APP);
    assertThat(dev.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("localhost/" + APP + ":dev");
    Deployment prod =
        Manifests.deployment(
            Manifests.kustomize(client, plane.kubectl(), project, "prod", namespace.name()), APP);
    assertThat(prod.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com/" + APP + ":1.0");
  }

  /** Prod's spec says 2 to 8 workers; the autoscaler's bounds (its environment) say the same. */
  @Test
  void prodsAutoscalerBoundsAreItsSpecs(
      KubernetesClient client, TestNamespace namespace, ControlPlane plane) {
    List<HasMetadata> objects =
        Manifests.kustomize(client, plane.kubectl(), project, "prod", namespace.name());

    String spec =
        objects.stream()
            .filter(o -> o.getMetadata().getName().equals(APP + "-spec"))
            .map(o -> ((ConfigMap) o).getData().get("appspark.yaml"))
            .findFirst()
            .orElseThrow();
    assertThat(spec).contains("min: 2", "max: 8");
    assertThat(Manifests.autoscalerBounds(objects, APP)).containsExactly("2", "8");
  }

  /** deploy/base/spark-cluster.yaml is what {@code appspark render} makes for the app's spec. */
  @Test
  void theBasesClusterObjectsAreWhatRenderMakes(
      KubernetesClient client, TestNamespace namespace, ControlPlane plane) throws IOException {
    String rendered = GeneratedProject.render(project, namespace.name(), APP);
    List<HasMetadata> fromRender = normalized(Manifests.load(client, rendered));
    List<HasMetadata> inBase =
        normalized(
            Manifests.load(
                client, Files.readString(project.resolve("deploy/base/spark-cluster.yaml"))));

    assertThat(inBase).isEqualTo(fromRender);
  }

  /**
   * Without what the manifests cannot hold (namespace, ownerReferences); the pod templates' hashes
   * stay: the leader's re-apply must find the ones it computes, or it would restart the master.
   */
  static List<HasMetadata> normalized(List<HasMetadata> objects) {
    for (HasMetadata o : objects) {
      o.getMetadata().setNamespace(null);
      o.getMetadata().setOwnerReferences(null);
      if (o instanceof RoleBinding b) {
        b.getSubjects().forEach(s -> s.setNamespace(null));
      }
    }
    return objects.stream()
        .sorted(Comparator.comparing(o -> o.getKind() + "/" + o.getMetadata().getName()))
        .toList();
  }
}
