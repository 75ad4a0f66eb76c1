package io.appspark.apptemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What both deployment routes share: dry runs and applies against the real API server. */
final class Manifests {
  /** A bound on waiting for controllers on a loaded machine, never a timing assertion. */
  static final Duration CONVERGE = Duration.ofMinutes(3);

  private Manifests() {}

  /**
   * {@code kubectl kustomize} of an overlay, moved into {@code namespace} by a kustomization of the
   * test's own next to it (kustomize takes no absolute paths).
   */
  static List<HasMetadata> kustomize(
      KubernetesClient client, Path kubectl, Path project, String overlay, String namespace) {
    try {
      Path wrapper = Files.createDirectories(project.resolve("deploy/it-" + overlay));
      Files.writeString(
          wrapper.resolve("kustomization.yaml"),
          "resources:\n  - ../overlays/" + overlay + "\nnamespace: " + namespace + "\n");
      Path out = project.resolve("kustomize-" + overlay + ".yaml");
      int exit =
          GeneratedProject.run(
              project,
              out,
              Map.of(),
              GeneratedProject.Duration.GENERATE,
              kubectl.toString(),
              "kustomize",
              wrapper.toString());
      assertThat(exit).as("kubectl kustomize:%n%s", GeneratedProject.read(out)).isZero();
      return client.load(new ByteArrayInputStream(Files.readAllBytes(out))).items();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<HasMetadata> load(KubernetesClient client, String yaml) {
    return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }

  /**
   * Server-side dry run of every object: the API server validates, admits and discards, so what was
   * stored before (nothing, or the same resourceVersion) is what is stored after.
   */
  static void dryRun(KubernetesClient client, String namespace, List<HasMetadata> objects) {
    for (HasMetadata o : objects) {
      HasMetadata before = client.resource(o).inNamespace(namespace).get();
      HasMetadata answered =
          client.resource(o).inNamespace(namespace).dryRun().fieldManager("it").serverSideApply();
      assertThat(answered.getMetadata().getName()).isEqualTo(o.getMetadata().getName());
      HasMetadata after = client.resource(o).inNamespace(namespace).get();
      assertThat(after == null ? null : after.getMetadata().getResourceVersion())
          .as("a dry run stores nothing: %s %s", o.getKind(), o.getMetadata().getName())
          .isEqualTo(before == null ? null : before.getMetadata().getResourceVersion());
    }
  }

  static void apply(KubernetesClient client, String namespace, List<HasMetadata> objects) {
    for (HasMetadata o : objects) {
      client
          .resource(o)
          .inNamespace(namespace)
          .fieldManager("it")
          .forceConflicts()
          .serverSideApply();
    }
  }

  /** The app, its autoscaler and its cluster's master run (kwok plays their nodes). */
  static void awaitRunning(KubernetesClient client, String namespace, String app, int autoscalers) {
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(ready(client, namespace, app)).isEqualTo(1);
              assertThat(ready(client, namespace, app + "-autoscaler")).isEqualTo(autoscalers);
              assertThat(ready(client, namespace, app + "-spark-master")).isEqualTo(1);
            });
    assertThat(client.serviceAccounts().inNamespace(namespace).withName(app + "-autoscaler").get())
        .isNotNull();
    assertThat(client.rbac().roles().inNamespace(namespace).withName(app + "-autoscaler").get())
        .isNotNull();
    assertThat(
            client.rbac().roleBindings().inNamespace(namespace).withName(app + "-autoscaler").get())
        .isNotNull();
    assertThat(
            client
                .network()
                .v1()
                .networkPolicies()
                .inNamespace(namespace)
                .withName(app + "-spark")
                .get())
        .isNotNull();
    assertThat(client.configMaps().inNamespace(namespace).withName(app + "-spark-conf").get())
        .isNotNull();
    assertThat(client.services().inNamespace(namespace).withName(app).get()).isNotNull();
    assertThat(client.services().inNamespace(namespace).withName(app + "-spark-master").get())
        .isNotNull();
    assertThat(client.pods().inNamespace(namespace).withLabel("app", app).list().getItems())
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running"));
  }

  static int ready(KubernetesClient client, String namespace, String name) {
    Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
    if (d == null || d.getStatus() == null || d.getStatus().getReadyReplicas() == null) {
      return 0;
    }
    return d.getStatus().getReadyReplicas();
  }

  /**
   * The app's Deployment passes the cluster's RPC secret from the Secret {@code <app>-spark-auth}.
   */
  static void assertAppReadsTheAuthSecret(List<HasMetadata> objects, String app) {
    Deployment deployment = deployment(objects, app);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .filteredOn(e -> e.getName().equals("APPSPARK_AUTH_SECRET"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo(app + "-spark-auth");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("secret");
            });
  }

  /** The plain environment values of a Deployment's (first) container, by name. */
  static Map<String, String> appEnv(Deployment app) {
    Map<String, String> env = new HashMap<>();
    app.getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

  /**
   * The app logs in to Vault with its Kubernetes auth: a service-account token projected at the
   * file the secret source reads, the role and Vault's address in the variables it reads.
   */
  static void assertAppLogsInToVault(Deployment app, String role, String address) {
    assertThat(appEnv(app))
        .containsEntry("VAULT_ADDR", address)
        .containsEntry("APPSPARK_VAULT_K8S_ROLE", role)
        .containsEntry("APPSPARK_VAULT_K8S_TOKEN_FILE", "/var/run/secrets/vault/token")
        .doesNotContainKeys("VAULT_TOKEN", "VAULT_SECRET_ID");
    PodSpec pod = app.getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/vault");
              assertThat(m.getName()).isEqualTo("vault-token");
            });
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("vault-token"))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.getProjected().getSources())
                    .singleElement()
                    .satisfies(
                        source ->
                            assertThat(source.getServiceAccountToken().getPath())
                                .isEqualTo("token")));
  }

  /** The autoscaler's environment: its minimum and maximum of workers. */
  static List<String> autoscalerBounds(List<HasMetadata> objects, String app) {
    Map<String, String> env = appEnv(deployment(objects, app + "-autoscaler"));
    return List.of(
        String.valueOf(env.get("APPSPARK_AUTOSCALER_MIN_WORKERS")),
        String.valueOf(env.get("APPSPARK_AUTOSCALER_MAX_WORKERS")));
  }

  static Deployment deployment(List<HasMetadata> objects, String name) {
    return objects.stream()
        .filter(o -> o instanceof Deployment && o.getMetadata().getName().equals(name))
        .map(Deployment.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment " + name));
  }

  /** The cluster spec the autoscaler reads. */
  static String spec(KubernetesClient client, String namespace, String app) {
    return client
        .configMaps()
        .inNamespace(namespace)
        .withName(app + "-spec")
        .get()
        .getData()
        .get("appspark.yaml");
  }
}
