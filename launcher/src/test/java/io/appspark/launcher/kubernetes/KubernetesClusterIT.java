package io.appspark.launcher.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.appspark.launcher.kubernetes.Reconciler.Change;
import io.appspark.launcher.kubernetes.Reconciler.Outcome;
import io.appspark.launcher.kubernetes.model.AppOwner;
import io.appspark.launcher.kubernetes.model.ClusterModel;
import io.appspark.launcher.kubernetes.model.Labels;
import io.appspark.launcher.spec.SpecOverrides;
import io.appspark.launcher.spec.SpecReader;
import io.appspark.testing.kubernetes.AppDeployments;
import io.appspark.testing.kubernetes.ControlPlane;
import io.appspark.testing.kubernetes.EnableControlPlane;
import io.appspark.testing.kubernetes.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Kubernetes backend against a real apiserver, controller-manager, scheduler and kwok. */
@EnableControlPlane
class KubernetesClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String IMAGE = "appspark/spark:it";

  private final KubernetesClient client;
  private final String ns;
  private final KubernetesCluster backend;

  KubernetesClusterIT(KubernetesClient client, TestNamespace namespace) {
    this.client = client;
    this.ns = namespace.name();
    this.backend = new KubernetesCluster(client);
  }

  /** A Connect server with every pod setting the spec offers, so the API server checks them. */
  private static final String RENDERED_SPEC =
      """
      kubernetes:
        connect:
          enabled: true
          cpu: 300m
          memory: 1Gi
          env: {VAULT_ADDR: "https://vault.example:8200", APPSPARK_VAULT_K8S_ROLE: rendered}
          volumes:
            - {name: vault-ca, mountPath: /etc/vault-ca, configMap: vault-ca, readOnly: true}
            - {name: scratch, mountPath: /scratch, emptyDir: 1Gi}
          serviceAccount: rendered-connect
      """;

  @Test
  void renderedManifestsAreAcceptedByTheRealApiServer(ControlPlane plane)
      throws IOException, InterruptedException {
    ClusterModel model = model("rendered", RENDERED_SPEC);
    Path manifests = Files.createTempFile("rendered-", ".yaml");
    Files.writeString(manifests, Manifests.yaml(model));

    Process kubectl =
        new ProcessBuilder(
                plane.kubectl().toString(),
                "--kubeconfig=" + plane.kubeconfig(),
                "apply",
                "--dry-run=server",
                "-f",
                manifests.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(kubectl.exitValue()).as(output).isZero();
    assertThat(output)
        .contains(
            "serviceaccount/rendered-autoscaler created (server dry run)",
            "role.rbac.authorization.k8s.io/rendered-autoscaler created (server dry run)",
            "rolebinding.rbac.authorization.k8s.io/rendered-autoscaler created (server dry run)",
            "networkpolicy.networking.k8s.io/rendered-spark created (server dry run)",
            "configmap/rendered-spark-conf created (server dry run)",
            "service/rendered-spark-master created (server dry run)",
            "deployment.apps/rendered-spark-master created (server dry run)",
            "service/rendered-spark-connect created (server dry run)",
            "deployment.apps/rendered-spark-connect created (server dry run)");
    assertThat(Manifests.yaml(model)).isEqualTo(Manifests.yaml(model("rendered", RENDERED_SPEC)));
    Files.delete(manifests);
  }

  @Test
  void applyingCreatesMasterAndMinimumWorkersRunningOnKwokAndApplyingAgainChangesNothing() {
    ClusterModel model = model("shop", "workers: {min: 2, max: 4, initial: 2}\n");

    List<Change> first = backend.apply(model, model.spec().workers().min());

    assertThat(first).extracting(Change::outcome).containsOnly(Outcome.CREATED).hasSize(10);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ClusterStatus status = backend.observe(ns, "shop");
              assertThat(status.masterReady()).isTrue();
              assertThat(status.workers())
                  .hasSize(2)
                  .allSatisfy(
                      w -> {
                        assertThat(w.pod()).startsWith("shop-spark-worker-");
                        assertThat(w.phase()).isEqualTo("Running");
                        assertThat(w.node()).startsWith("kwok-node-");
                      });
            });
    await().atMost(WAIT).until(() -> masterStatusSettled("shop"));

    Map<String, String> before = resourceVersions("shop");
    List<Change> second = backend.apply(model, model.spec().workers().min());
    Map<String, String> after = resourceVersions("shop");

    assertThat(second).extracting(Change::outcome).containsOnly(Outcome.UNCHANGED).hasSize(8);
    assertThat(after).isEqualTo(before).hasSize(10);
  }

  @Test
  void applyingCreatesTheClustersAuthSecretOnceAndEverySparkPodReferencesIt() {
    ClusterModel model = model("guarded", "workers: {min: 1}\nkubernetes: {connect: true}\n");
    backend.apply(model, 1);
    Secret created = client.secrets().inNamespace(ns).withName("guarded-spark-auth").get();
    String value = secretValue(created);

    assertThat(value).matches("[0-9a-f]{64}");
    assertThat(created.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(ref -> assertThat(ref.getName()).isEqualTo("guarded"));
    backend.apply(model, 1);
    assertThat(secretValue(client.secrets().inNamespace(ns).withName("guarded-spark-auth").get()))
        .as("applying again keeps the secret the running cluster holds")
        .isEqualTo(value);

    List<io.fabric8.kubernetes.api.model.PodSpec> specs = new ArrayList<>();
    for (String d : List.of("guarded-spark-master", "guarded-spark-connect")) {
      specs.add(
          client
              .apps()
              .deployments()
              .inNamespace(ns)
              .withName(d)
              .get()
              .getSpec()
              .getTemplate()
              .getSpec());
    }
    backend.workerPods(ns, "guarded").forEach(p -> specs.add(p.getSpec()));
    assertThat(specs)
        .hasSize(3)
        .allSatisfy(
            spec ->
                assertThat(spec.getContainers().get(0).getEnv())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getName()).isEqualTo("_SPARK_AUTH_SECRET");
                          assertThat(e.getValue()).isNull();
                          assertThat(e.getValueFrom().getSecretKeyRef().getName())
                              .isEqualTo("guarded-spark-auth");
                          assertThat(e.getValueFrom().getSecretKeyRef().getKey())
                              .isEqualTo("secret");
                        }));
    String encoded = created.getData().get("secret");
    assertThat(client.configMaps().inNamespace(ns).list().getItems())
        .noneMatch(c -> String.valueOf(c.getData()).contains(value));
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .noneMatch(e -> e.toString().contains(value) || e.toString().contains(encoded));
    for (Change change : backend.teardown(ns, "guarded")) {
      assertThat(change.toString()).doesNotContain(value);
    }
    assertThat(client.secrets().inNamespace(ns).withName("guarded-spark-auth").get()).isNull();
  }

  private static String secretValue(Secret secret) {
    return new String(
        java.util.Base64.getDecoder().decode(secret.getData().get("secret")),
        StandardCharsets.UTF_8);
  }

  @Test
  void workerPodsThatEndedAreNotCountedAndUpAndScaleDeleteThem() {
    ClusterModel model = model("ended", "workers: {min: 2, max: 4, initial: 2}\n");
    backend.apply(model, 2);
    await().atMost(WAIT).until(() -> backend.observe(ns, "ended").runningWorkers() == 2);

    String failed = endWorker("ended", "Failed");
    List<Change> up = backend.apply(model, 2);

    assertThat(up)
        .extracting(Change::toString)
        .anySatisfy(c -> assertThat(c).contains(failed).contains("deleted"));
    assertThat(pod(failed)).isNull();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(backend.observe(ns, "ended").workers())
                    .hasSize(2)
                    .noneMatch(w -> w.pod().equals(failed))
                    .allSatisfy(w -> assertThat(w.phase()).isEqualTo("Running")));

    String succeeded = endWorker("ended", "Succeeded");
    backend.scale(model, 3);

    assertThat(pod(succeeded)).isNull();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(backend.observe(ns, "ended").workers())
                    .as("two that run and one more; the one that ended is not one of them")
                    .hasSize(3)
                    .noneMatch(w -> w.pod().equals(succeeded))
                    .allSatisfy(w -> assertThat(w.phase()).isEqualTo("Running")));
  }

  /** Marks one worker pod's containers as ended (kwok keeps the phase it is given). */
  private String endWorker(String cluster, String phase) {
    String name = backend.workerPods(ns, cluster).get(0).getMetadata().getName();
    client
        .pods()
        .inNamespace(ns)
        .withName(name)
        .editStatus(
            p ->
                new io.fabric8.kubernetes.api.model.PodBuilder(p)
                    .editStatus()
                    .withPhase(phase)
                    .endStatus()
                    .build());
    assertThat(backend.workerPods(ns, cluster))
        .as("a pod that ended no longer counts")
        .extracting(p -> p.getMetadata().getName())
        .doesNotContain(name);
    return name;
  }

  private Pod pod(String name) {
    Pod pod = client.pods().inNamespace(ns).withName(name).get();
    return pod == null || pod.getMetadata().getDeletionTimestamp() != null ? null : pod;
  }

  @Test
  void deletingTheAppsDeploymentMakesTheGarbageCollectorRemoveTheWholeCluster() {
    ClusterModel model = model("gc", "workers: {min: 2}\nkubernetes: {connect: true}\n");
    backend.apply(model, 2);
    await().atMost(WAIT).until(() -> backend.observe(ns, "gc").runningWorkers() == 2);
    assertThat(clusterObjects("gc")).hasSizeGreaterThanOrEqualTo(11);

    client.apps().deployments().inNamespace(ns).withName("gc").delete();

    await().atMost(WAIT).untilAsserted(() -> assertThat(clusterObjects("gc")).isEmpty());
  }

  @Test
  void theAutoscalerMayManageWorkerPodsInItsNamespaceOnly(ControlPlane plane) {
    ClusterModel model = model("scaled", "workers: {min: 0, initial: 0}\n");
    backend.apply(model, 0);
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(ns + "-other")
                .endMetadata()
                .build())
        .create();
    client
        .secrets()
        .inNamespace(ns + "-other")
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("other-app-db")
                .endMetadata()
                .withStringData(Map.of("password", "not-yours"))
                .build())
        .create();

    String user = "system:serviceaccount:" + ns + ":scaled-autoscaler";
    try (KubernetesClient autoscaler =
        plane.clientAs(user, "system:serviceaccounts", "system:serviceaccounts:" + ns)) {
      Pod worker = model.workerPod("rbac1");
      autoscaler.pods().inNamespace(ns).resource(worker).create();
      assertThat(autoscaler.pods().inNamespace(ns).withName(worker.getMetadata().getName()).get())
          .isNotNull();
      assertThat(
              autoscaler.pods().inNamespace(ns).withName(worker.getMetadata().getName()).delete())
          .isNotEmpty();

      assertForbidden(
          () -> autoscaler.secrets().inNamespace(ns + "-other").withName("other-app-db").get());
      assertForbidden(() -> autoscaler.secrets().inNamespace(ns).list());
      assertForbidden(() -> autoscaler.pods().inNamespace(ns + "-other").list());
      assertForbidden(
          () ->
              autoscaler
                  .pods()
                  .inNamespace(ns + "-other")
                  .resource(otherNamespace(worker))
                  .create());
      assertForbidden(() -> autoscaler.apps().deployments().inNamespace(ns).list());
      assertForbidden(() -> autoscaler.rbac().roles().inNamespace(ns).list());
    } finally {
      client.namespaces().withName(ns + "-other").delete();
    }
  }

  private ClusterModel model(String name, String extraYaml) {
    Deployment app = AppDeployments.ensure(client, ns, name);
    AppOwner owner =
        new AppOwner(
            name, app.getMetadata().getUid(), app.getSpec().getSelector().getMatchLabels());
    return new ClusterModel(
        SpecReader.read("name: " + name + "\n" + extraYaml, "it", SpecOverrides.none()),
        owner,
        ns,
        IMAGE);
  }

  private boolean masterStatusSettled(String cluster) {
    Deployment master =
        client.apps().deployments().inNamespace(ns).withName(cluster + "-spark-master").get();
    return master.getStatus() != null
        && master.getMetadata().getGeneration().equals(master.getStatus().getObservedGeneration())
        && Integer.valueOf(1).equals(master.getStatus().getReadyReplicas())
        && Integer.valueOf(1).equals(master.getStatus().getAvailableReplicas())
        && Integer.valueOf(1).equals(master.getStatus().getUpdatedReplicas());
  }

  /** kind/name -> resourceVersion of every object labelled as the cluster's. */
  private Map<String, String> resourceVersions(String cluster) {
    Map<String, String> versions = new TreeMap<>();
    for (HasMetadata o : clusterObjects(cluster)) {
      versions.put(
          o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion());
    }
    return versions;
  }

  /** Every object of the kinds the backend writes that carries the cluster's label. */
  private List<HasMetadata> clusterObjects(String cluster) {
    Map<String, String> label = Map.of(Labels.CLUSTER, cluster);
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(client.serviceAccounts().inNamespace(ns).withLabels(label).list().getItems());
    all.addAll(client.rbac().roles().inNamespace(ns).withLabels(label).list().getItems());
    all.addAll(client.rbac().roleBindings().inNamespace(ns).withLabels(label).list().getItems());
    all.addAll(
        client
            .network()
            .v1()
            .networkPolicies()
            .inNamespace(ns)
            .withLabels(label)
            .list()
            .getItems());
    all.addAll(client.configMaps().inNamespace(ns).withLabels(label).list().getItems());
    all.addAll(client.secrets().inNamespace(ns).withLabels(label).list().getItems());
    all.addAll(client.services().inNamespace(ns).withLabels(label).list().getItems());
    all.addAll(client.apps().deployments().inNamespace(ns).withLabels(label).list().getItems());
    all.addAll(
        client
            .pods()
            .inNamespace(ns)
            .withLabels(Map.of(Labels.CLUSTER, cluster, Labels.ROLE, "worker"))
            .list()
            .getItems());
    return all;
  }

  private Pod otherNamespace(Pod pod) {
    Pod copy = new io.fabric8.kubernetes.api.model.PodBuilder(pod).build();
    copy.getMetadata().setNamespace(ns + "-other");
    copy.getMetadata().setOwnerReferences(List.of());
    return copy;
  }

  private static void assertForbidden(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }
}
