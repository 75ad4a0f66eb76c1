package io.appspark.launcher.kubernetes.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.launcher.spec.ClusterSpec;
import io.appspark.launcher.spec.ContainerMemory;
import io.appspark.launcher.spec.SpecOverrides;
import io.appspark.launcher.spec.SpecReader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterModelTest {
  private static final AppOwner OWNER = new AppOwner("shop", "uid-1", Map.of("app", "shop"));

  private static ClusterModel model(String yaml) {
    ClusterSpec spec = SpecReader.read(yaml, "test", SpecOverrides.none());
    return new ClusterModel(spec, OWNER, "team-a", "appspark/spark:test");
  }

  private static final ClusterModel SHOP =
      model("name: shop\nworkers: {min: 1, max: 4, initial: 2, cores: 2, memory: 2g}\n");

  @Test
  void everyObjectIsOwnedByTheAppDeploymentAndLabelled() {
    List<HasMetadata> objects = new java.util.ArrayList<>(SHOP.clusterObjects());
    objects.add(SHOP.workerPod("abcde"));

    assertThat(objects)
        .allSatisfy(
            o -> {
              assertThat(o.getMetadata().getNamespace()).isEqualTo("team-a");
              assertThat(o.getMetadata().getOwnerReferences())
                  .singleElement()
                  .satisfies(
                      ref -> {
                        assertThat(ref.getKind()).isEqualTo("Deployment");
                        assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
                        assertThat(ref.getName()).isEqualTo("shop");
                        assertThat(ref.getUid()).isEqualTo("uid-1");
                        assertThat(ref.getController()).isFalse();
                        assertThat(ref.getBlockOwnerDeletion())
                            .as("needs the owner's finalizers, which a namespace admin lacks")
                            .isNull();
                      });
              assertThat(o.getMetadata().getLabels())
                  .containsEntry(Labels.NAME, "spark")
                  .containsEntry(Labels.INSTANCE, "shop")
                  .containsEntry(Labels.PART_OF, "shop")
                  .containsEntry(Labels.MANAGED_BY, "appspark")
                  .containsKey(Labels.COMPONENT)
                  .containsEntry(Labels.CLUSTER, "shop");
            });
  }

  @Test
  void theClusterHasRbacPolicyConfigAndAMasterButNoConnectServerUnlessAsked() {
    assertThat(SHOP.clusterObjects())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactly(
            "ServiceAccount/shop-autoscaler",
            "Role/shop-autoscaler",
            "RoleBinding/shop-autoscaler",
            "NetworkPolicy/shop-spark",
            "ConfigMap/shop-spark-conf",
            "Service/shop-spark-master",
            "Deployment/shop-spark-master");

    assertThat(model("name: shop\nkubernetes: {connect: true}\n").clusterObjects())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains("Service/shop-spark-connect", "Deployment/shop-spark-connect");
  }

  @Test
  void theSpecsConnectEnabledAsksForTheConnectServerOnKubernetesToo() {
    assertThat(model("name: shop\nconnect: {enabled: true}\n").clusterObjects())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains("Service/shop-spark-connect", "Deployment/shop-spark-connect");
    ClusterSpec viaFlag =
        SpecReader.read(
            "name: shop\n", "test", new SpecOverrides(Optional.empty(), Optional.empty(), true));
    assertThat(new ClusterModel(viaFlag, OWNER, "team-a", "appspark/spark:test").clusterObjects())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains("Deployment/shop-spark-connect");
  }

  @Test
  void theMasterIsOneReplicaRecreatedAndReadyWhenItsUiServesJson() {
    Deployment master = find(SHOP, Deployment.class, "shop-spark-master");

    assertThat(master.getSpec().getReplicas()).isEqualTo(1);
    assertThat(master.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    Container c = master.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/json/");
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8080);
    assertThat(c.getLivenessProbe().getHttpGet()).isNotNull();
    assertThat(env(c)).containsEntry("SPARK_DAEMON_MEMORY", "576m");

    Service service = find(SHOP, Service.class, "shop-spark-master");
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort())
        .containsExactly("rpc:7077", "ui:8080");
    assertThat(service.getSpec().getSelector())
        .isEqualTo(master.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Map.of(Labels.CLUSTER, "shop", Labels.ROLE, "master"));
  }

  @Test
  void containersRunHardenedWithEqualRequestsAndLimits() {
    List<Container> containers = new java.util.ArrayList<>();
    containers.addAll(
        find(SHOP, Deployment.class, "shop-spark-master")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers());
    containers.addAll(SHOP.workerPod("x1").getSpec().getContainers());

    assertThat(containers)
        .allSatisfy(
            c -> {
              var sc = c.getSecurityContext();
              assertThat(sc.getRunAsNonRoot()).isTrue();
              assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
              assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
              assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
              assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
              assertThat(c.getResources().getRequests())
                  .isEqualTo(c.getResources().getLimits())
                  .containsKeys("cpu", "memory");
            });
  }

  @Test
  void aWorkerIsSizedSoThatTheImageOffersExecutorsTheSpecsMemory() {
    Pod worker = SHOP.workerPod("abcde");
    Container c = worker.getSpec().getContainers().get(0);

    assertThat(worker.getMetadata().getName()).isEqualTo("shop-spark-worker-abcde");
    assertThat(worker.getMetadata().getLabels()).containsEntry(Labels.ROLE, "worker");
    int limit = ContainerMemory.workerLimitMib(2048);
    assertThat(c.getResources().getLimits())
        .containsEntry("memory", new Quantity(limit + "Mi"))
        .containsEntry("cpu", new Quantity("2"));
    assertThat(ContainerMemory.workerOfferMib(limit)).isGreaterThanOrEqualTo(2048);
    assertThat(env(c))
        .containsEntry("SPARK_MASTER_URL", "spark://shop-spark-master:7077")
        .containsEntry("SPARK_WORKER_CORES", "2")
        .containsEntry("SPARK_WORKER_MEMORY", "2048m")
        .containsEntry("SPARK_DAEMON_MEMORY", ContainerMemory.workerHeapMib(limit) + "m");
    assertThat(worker.getSpec().getRestartPolicy()).isEqualTo("OnFailure");
    assertThat(worker.getSpec().getAutomountServiceAccountToken()).isFalse();
  }

  @Test
  void aWorkerIsReadyOnlyOnceItsMasterAcceptedIt() {
    Container c = SHOP.workerPod("abcde").getSpec().getContainers().get(0);

    assertThat(String.join(" ", c.getReadinessProbe().getExec().getCommand()))
        .contains("/dev/tcp/127.0.0.1/8081", "GET /json/", "masterwebuiurl");
    assertThat(c.getLivenessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8081);
  }

  @Test
  void theSpecExtendsWorkerPods() {
    ClusterModel model =
        model(
            """
            name: shop
            kubernetes:
              worker:
                cpu: 1500m
                memory: 4Gi
                nodeSelector: {disk: ssd}
                tolerations: [{key: spark, operator: Equal, value: "yes", effect: NoSchedule}]
                env: {TZ: UTC}
                volumes:
                  - {name: scratch, mountPath: /scratch, emptyDir: 10Gi}
                  - {name: lookup, mountPath: /lookup, configMap: lookup-tables, readOnly: true}
            """);
    Pod worker = model.workerPod("z");
    Container c = worker.getSpec().getContainers().get(0);

    assertThat(worker.getSpec().getNodeSelector()).isEqualTo(Map.of("disk", "ssd"));
    assertThat(worker.getSpec().getTolerations())
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.getKey() + t.getValue() + t.getEffect())
                    .isEqualTo("sparkyesNoSchedule"));
    assertThat(env(c)).containsEntry("TZ", "UTC");
    assertThat(c.getResources().getLimits())
        .containsEntry("cpu", new Quantity("1500m"))
        .containsEntry("memory", new Quantity("4096Mi"));
    assertThat(worker.getSpec().getVolumes())
        .extracting(v -> v.getName())
        .containsExactly("spark-conf", "tmp", "work", "scratch", "lookup");
    assertThat(worker.getSpec().getVolumes().get(3).getEmptyDir().getSizeLimit())
        .isEqualTo(new Quantity("10Gi"));
    assertThat(c.getVolumeMounts())
        .extracting(m -> m.getName() + ":" + m.getMountPath() + ":" + m.getReadOnly())
        .contains("scratch:/scratch:null", "lookup:/lookup:true");
  }

  @Test
  void aConnectServerWithoutPodSettingsHasOneCoreTwoGibibytesAndNoToken() {
    PodSpec pod = connectPod(model("name: shop\nkubernetes: {connect: true}\n"));
    Container c = pod.getContainers().get(0);

    assertThat(c.getResources().getLimits())
        .containsEntry("cpu", new Quantity("1"))
        .containsEntry("memory", new Quantity("2048Mi"));
    assertThat(env(c)).containsEntry("SPARK_DAEMON_MEMORY", "1344m");
    assertThat(pod.getServiceAccountName()).isNull();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getVolumes())
        .extracting(v -> v.getName())
        .containsExactly("spark-conf", "tmp", "work");
  }

  @Test
  void theSpecSizesTheConnectServersPodAndGivesItAVaultLogin() {
    ClusterModel model =
        model(
            """
            name: shop
            connect: {enabled: true}
            kubernetes:
              connect:
                cpu: 300m
                memory: 1536Mi
                env: {VAULT_ADDR: "https://vault.example:8200", APPSPARK_VAULT_K8S_ROLE: shop}
                volumes:
                  - {name: vault-ca, mountPath: /etc/vault-ca, configMap: vault-ca, readOnly: true}
                serviceAccount: shop-connect
            """);
    PodSpec pod = connectPod(model);
    Container c = pod.getContainers().get(0);

    assertThat(c.getResources().getLimits())
        .isEqualTo(c.getResources().getRequests())
        .containsEntry("cpu", new Quantity("300m"))
        .containsEntry("memory", new Quantity("1536Mi"));
    assertThat(env(c))
        .as("the heap follows the limit: (1536 - 256) * 3/4")
        .containsEntry("SPARK_DAEMON_MEMORY", ContainerMemory.daemonHeapMib(1536) + "m")
        .containsEntry("SPARK_DAEMON_MEMORY", "960m")
        .containsEntry("VAULT_ADDR", "https://vault.example:8200")
        .containsEntry("APPSPARK_VAULT_K8S_ROLE", "shop");
    assertThat(pod.getServiceAccountName()).isEqualTo("shop-connect");
    assertThat(pod.getAutomountServiceAccountToken())
        .as("a Kubernetes-auth login presents the pod's token")
        .isTrue();
    assertThat(pod.getVolumes())
        .extracting(v -> v.getName())
        .containsExactly("spark-conf", "tmp", "work", "vault-ca");
    assertThat(pod.getVolumes().get(3).getConfigMap().getName()).isEqualTo("vault-ca");
    assertThat(c.getVolumeMounts())
        .extracting(m -> m.getName() + ":" + m.getMountPath() + ":" + m.getReadOnly())
        .contains("vault-ca:/etc/vault-ca:true");
    assertThat(model.workerPod("a").getSpec().getAutomountServiceAccountToken())
        .as("workers keep no token")
        .isFalse();
  }

  @Test
  void connectPodSettingsAloneDoNotStartAConnectServer() {
    assertThat(model("name: shop\nkubernetes: {connect: {cpu: 300m}}\n").clusterObjects())
        .extracting(o -> o.getMetadata().getName())
        .doesNotContain("shop-spark-connect");
  }

  @Test
  void theAutoscalerMayManagePodsInItsNamespaceAndLittleElse() {
    Role role = find(SHOP, Role.class, "shop-autoscaler");

    assertThat(role.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(role.getRules())
        .extracting(RbacModelRules::describe)
        .containsExactly(
            "/pods [] create,delete,get,list,watch,patch",
            "/events [] create,patch",
            "coordination.k8s.io/leases [] create",
            "coordination.k8s.io/leases [shop-autoscaler] get,update,patch",
            "/configmaps [shop-spark-conf] get,create,patch,delete",
            "/services [shop-spark-master, shop-spark-connect] get,create,patch,delete",
            "apps/deployments [shop-spark-master, shop-spark-connect] get,create,patch,delete",
            "apps/deployments [shop] get",
            "/configmaps [shop-spec] get,patch,delete",
            "/services [shop-autoscaler] get,patch,delete",
            "apps/deployments [shop-autoscaler] get,patch,delete",
            "/serviceaccounts [shop-autoscaler] get,patch,delete",
            "rbac.authorization.k8s.io/roles [shop-autoscaler] get,patch,delete",
            "rbac.authorization.k8s.io/rolebindings [shop-autoscaler] get,patch,delete",
            "networking.k8s.io/networkpolicies [shop-spark] get,patch,delete",
            "/secrets [shop-spark-auth] get,patch,delete");
  }

  /**
   * The leader adopts what manifests made without an owner: every object of the cluster and its RPC
   * secret's Secret, each of which its Role lets it patch and delete by name (what setting an owner
   * reference takes where OwnerReferencesPermissionEnforcement runs).
   */
  @Test
  void theLeaderAdoptsEveryObjectOfTheClusterAndItsRoleAllowsIt() {
    ClusterModel model = SHOP.withAutoscaler("name: shop\n");
    List<PolicyRule> rules = find(model, Role.class, "shop-autoscaler").getRules();

    assertThat(model.adoptedObjects())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsAll(
            model.clusterObjects().stream()
                .map(o -> o.getKind() + "/" + o.getMetadata().getName())
                .toList())
        .contains("Secret/shop-spark-auth");
    assertThat(model.adoptedObjects())
        .allSatisfy(
            o ->
                assertThat(rules)
                    .as("%s %s", o.getKind(), o.getMetadata().getName())
                    .anySatisfy(
                        r -> {
                          assertThat(r.getResources())
                              .contains(
                                  o.getKind()
                                          .toLowerCase(java.util.Locale.ROOT)
                                          .replaceAll("y$", "ie")
                                      + "s");
                          assertThat(r.getResourceNames()).contains(o.getMetadata().getName());
                          assertThat(r.getVerbs()).contains("get", "patch", "delete");
                        }));
    assertThat(model.adoptedObjects())
        .filteredOn(o -> o instanceof io.fabric8.kubernetes.api.model.Secret)
        .singleElement()
        .satisfies(
            o ->
                assertThat(((io.fabric8.kubernetes.api.model.Secret) o).getData())
                    .as("the Secret is named for adoption, it holds no value")
                    .isNullOrEmpty());
  }

  /**
   * Manifests rendered for a placeholder name and renamed by text (the app template's) carry the
   * hashes the leader computes for the real name: its re-apply rolls nothing.
   */
  @Test
  void theConfigAndSpecHashesDoNotDependOnTheClustersName() {
    String spec = "name: %s\nsparkConf: {spark.eventLog.dir: /logs/%s}\n";
    ClusterModel placeholder =
        model(spec.formatted("zzappzz", "zzappzz"))
            .withAutoscaler(spec.formatted("zzappzz", "zzappzz"));
    ClusterModel shop =
        model(spec.formatted("shop", "shop")).withAutoscaler(spec.formatted("shop", "shop"));
    ClusterModel other =
        model(spec.formatted("shop", "other")).withAutoscaler(spec.formatted("shop", "other"));

    assertThat(shop.configHash())
        .isEqualTo(placeholder.configHash())
        .isNotEqualTo(other.configHash());
    assertThat(shop.nameFreeHash(spec.formatted("shop", "shop")))
        .isEqualTo(placeholder.nameFreeHash(spec.formatted("zzappzz", "zzappzz")))
        .isNotEqualTo(other.nameFreeHash(spec.formatted("shop", "other")));
    assertThat(specHash(shop))
        .isEqualTo(shop.nameFreeHash(spec.formatted("shop", "shop") + "\n" + shop.image()));
  }

  @Test
  void withItsAutoscalerTheClusterGetsATwoReplicaDeploymentThatReadsTheSpec() {
    String specYaml = "name: shop\nworkers: {min: 1, max: 4, cores: 2}\n";
    ClusterModel model = model(specYaml).withAutoscaler(specYaml);

    assertThat(model.clusterObjects())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .endsWith(
            "Deployment/shop-spark-master",
            "ConfigMap/shop-spec",
            "Service/shop-autoscaler",
            "Deployment/shop-autoscaler");
    assertThat(find(model, ConfigMap.class, "shop-spec").getData())
        .containsExactly(Map.entry("appspark.yaml", specYaml));
    Service service = find(model, Service.class, "shop-autoscaler");
    assertThat(service.getSpec().getSelector())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                Labels.CLUSTER, "shop", Labels.ROLE, "autoscaler", Labels.LEADER, Labels.LEADING));
    assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(8090);

    Deployment deployment = find(model, Deployment.class, "shop-autoscaler");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("shop-autoscaler");
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    Container c = pod.getContainers().get(0);
    assertThat(c.getArgs()).containsExactly("autoscaler");
    assertThat(c.getReadinessProbe().getHttpGet().getPath())
        .as("a standby is Ready too, or a rolling update never completes")
        .isEqualTo("/healthz");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .as("only the leader labels itself, on its pod")
        .doesNotContainKey(Labels.LEADER)
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(env(c))
        .containsEntry("APPSPARK_AUTOSCALER_BACKEND", "kubernetes")
        .containsEntry("APPSPARK_AUTOSCALER_CLUSTER", "shop")
        .containsEntry("APPSPARK_AUTOSCALER_HOST", "0.0.0.0")
        .containsEntry("APPSPARK_AUTOSCALER_PORT", "8090")
        .containsEntry("APPSPARK_AUTOSCALER_MIN_WORKERS", "1")
        .containsEntry("APPSPARK_AUTOSCALER_MAX_WORKERS", "4")
        .containsEntry("APPSPARK_AUTOSCALER_CORES_PER_WORKER", "2")
        .containsEntry("APPSPARK_AUTOSCALER_IDLE_TIMEOUT", "60000ms")
        .containsEntry("APPSPARK_AUTOSCALER_SCALE_DOWN_COOLDOWN", "120000ms")
        .containsEntry("APPSPARK_AUTOSCALER_OWNER", "shop")
        .containsEntry("APPSPARK_AUTOSCALER_SPEC_FILE", "/etc/appspark/spec/appspark.yaml")
        .containsEntry("APPSPARK_AUTOSCALER_IMAGE", "appspark/spark:test")
        .containsEntry("APPSPARK_AUTOSCALER_MASTER_URL", "http://shop-spark-master:8080");
    assertThat(c.getEnv())
        .filteredOn(e -> e.getValueFrom() != null)
        .extracting(e -> e.getName() + "=" + e.getValueFrom().getFieldRef().getFieldPath())
        .containsExactly(
            "APPSPARK_AUTOSCALER_NAMESPACE=metadata.namespace",
            "APPSPARK_AUTOSCALER_POD_NAME=metadata.name");
  }

  @Test
  void driversReadTheSameSettingsFromTheConfigMapAsALocalClustersConnectionFile() {
    String yaml = "name: shop\nworkers: {max: 4, cores: 2, memory: 2g}\n";
    ClusterSpec spec = SpecReader.read(yaml, "test", SpecOverrides.none());
    ClusterModel model = model(yaml).withAutoscaler(yaml);

    Map<String, String> read =
        io.appspark.client.DriverDefaults.parse(
            model.configMap().getData().get(io.appspark.client.DriverDefaults.KEY), "test");

    Map<String, String> local =
        new java.util.TreeMap<>(
            io.appspark.launcher.local.SparkConfModel.driverConf(
                spec, Optional.of("http://shop-autoscaler:8090")));
    local.put("spark.master", "spark://shop-spark-master:7077");
    assertThat(read).isEqualTo(local).containsEntry("spark.dynamicAllocation.enabled", "true");
    assertThat(model.configMap().getMetadata().getName())
        .isEqualTo(io.appspark.client.DriverDefaults.configMapName("shop"));
  }

  @Test
  void aChangedSpecRollsTheAutoscalerAndDriversAnnounceThemselvesToIt() {
    String one = "name: shop\nworkers: {max: 4}\n";
    String two = "name: shop\nworkers: {max: 6}\n";

    assertThat(specHash(model(one).withAutoscaler(one)))
        .isEqualTo(specHash(model(one).withAutoscaler(one)))
        .isNotEqualTo(specHash(model(two).withAutoscaler(two)));
    assertThat(model(one).withAutoscaler(one).configMap().getData().get("driver-defaults.conf"))
        .contains(
            "spark.appspark.autoscaler.url=http://shop-autoscaler:8090\n",
            "spark.plugins=io.appspark.sparkplugin.AutoscalerPlugin\n");
    assertThat(model(one).configMap().getData().get("driver-defaults.conf"))
        .doesNotContain("spark.appspark.autoscaler.url");
  }

  @Test
  void theNetworkPolicyGuardsTheAutoscalersApiToo() {
    ClusterModel model = SHOP.withAutoscaler("name: shop\n");

    assertThat(
            find(model, NetworkPolicy.class, "shop-spark")
                .getSpec()
                .getPodSelector()
                .getMatchExpressions()
                .get(0)
                .getValues())
        .containsExactly("master", "worker", "connect", "autoscaler");
  }

  private static String specHash(ClusterModel model) {
    return find(model, Deployment.class, "shop-autoscaler")
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get("appspark.io/spec-hash");
  }

  @Test
  void onlyTheClusterItsClientsAndTheAppReachSparkPods() {
    NetworkPolicy policy = find(SHOP, NetworkPolicy.class, "shop-spark");

    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getIngress().get(0).getFrom())
        .allSatisfy(peer -> assertThat(peer.getNamespaceSelector()).isNull())
        .extracting(peer -> peer.getPodSelector().getMatchLabels())
        .containsExactly(
            Map.of(Labels.CLUSTER, "shop"), Map.of(Labels.CLIENT, "shop"), Map.of("app", "shop"));
  }

  @Test
  void theConfigMapHoldsDaemonAndDriverSettingsAsPropertiesFiles() {
    ConfigMap config =
        model("name: shop\nsparkConf: {spark.sql.shuffle.partitions: \"8\"}\n").configMap();

    assertThat(config.getData().get("spark-defaults.conf"))
        .contains("spark.decommission.enabled=true\n", "spark.sql.shuffle.partitions=8\n");
    assertThat(config.getData().get("driver-defaults.conf"))
        .contains("spark.master=spark://shop-spark-master:7077\n", "spark.executor.memory=1024m\n");
  }

  @Test
  void theSameInputGivesTheSameObjects() {
    assertThat(SHOP.clusterObjects()).isEqualTo(SHOP.clusterObjects());
    assertThat(SHOP.workerPod("a")).isEqualTo(SHOP.workerPod("a"));
  }

  @Test
  void masterWorkersAndConnectServerTakeTheSecretFromTheClustersSecretByReference() {
    ClusterModel withConnect = model("name: shop\nkubernetes: {connect: true}\n");
    List<Container> containers =
        List.of(
            find(withConnect, Deployment.class, "shop-spark-master")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0),
            find(withConnect, Deployment.class, "shop-spark-connect")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0),
            withConnect.workerPod("abcde").getSpec().getContainers().get(0));

    assertThat(containers)
        .allSatisfy(
            c ->
                assertThat(c.getEnv())
                    .filteredOn(e -> e.getName().equals("_SPARK_AUTH_SECRET"))
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.getValue()).isNull();
                          assertThat(e.getValueFrom().getSecretKeyRef().getName())
                              .isEqualTo("shop-spark-auth");
                          assertThat(e.getValueFrom().getSecretKeyRef().getKey())
                              .isEqualTo("secret");
                        }));
  }

  @Test
  void theConfigMapTurnsAuthenticationAndEncryptionOnButHoldsNoSecret() {
    ConfigMap config = SHOP.configMap();

    for (String file : List.of("spark-defaults.conf", "driver-defaults.conf")) {
      assertThat(config.getData().get(file))
          .contains("spark.authenticate=true\n", "spark.network.crypto.enabled=true\n")
          .doesNotContain("spark.authenticate.secret");
    }
    assertThat(SHOP.clusterObjects()).noneMatch(o -> o.getKind().equals("Secret"));
  }

  @Test
  void theAuthSecretIsOwnedByTheAppAndHoldsTheGivenValueUnderItsKey() {
    var secret = SHOP.authSecret("v4lue");

    assertThat(secret.getMetadata().getName()).isEqualTo("shop-spark-auth");
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo("uid-1"));
    assertThat(secret.getMetadata().getLabels()).containsEntry(Labels.CLUSTER, "shop");
    assertThat(secret.getStringData()).isEqualTo(Map.of("secret", "v4lue"));
  }

  private static <T extends HasMetadata> T find(ClusterModel model, Class<T> type, String name) {
    return model.clusterObjects().stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static PodSpec connectPod(ClusterModel model) {
    return find(model, Deployment.class, "shop-spark-connect").getSpec().getTemplate().getSpec();
  }

  private static Map<String, String> env(Container c) {
    Map<String, String> env = new java.util.TreeMap<>();
    c.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

  private static final class RbacModelRules {
    static String describe(PolicyRule r) {
      return String.join(",", r.getApiGroups())
          + "/"
          + String.join(",", r.getResources())
          + " "
          + (r.getResourceNames() == null ? "[]" : r.getResourceNames())
          + " "
          + String.join(",", r.getVerbs());
    }
  }
}
