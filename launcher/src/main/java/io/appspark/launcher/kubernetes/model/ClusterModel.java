package io.appspark.launcher.kubernetes.model;

import io.appspark.launcher.local.SparkConfModel;
import io.appspark.launcher.spec.ClusterSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A cluster's desired Kubernetes objects, from its spec, the app that owns it, the namespace and
 * the Spark image. Pure: no client, no environment; the same input gives the same objects.
 */
public final class ClusterModel {
  private final ClusterSpec spec;
  private final AppOwner owner;
  private final String namespace;
  private final String image;
  private final ClusterNames names;
  private final Optional<String> autoscalerSpec;

  public ClusterModel(ClusterSpec spec, AppOwner owner, String namespace, String image) {
    this(spec, owner, namespace, image, Optional.empty());
  }

  private ClusterModel(
      ClusterSpec spec,
      AppOwner owner,
      String namespace,
      String image,
      Optional<String> autoscalerSpec) {
    this.spec = spec;
    this.owner = owner;
    this.namespace = namespace;
    this.image = image;
    this.names = new ClusterNames(spec.name());
    this.autoscalerSpec = autoscalerSpec;
  }

  /**
   * The same cluster with its autoscaler: a Deployment that reads {@code specYaml} (the cluster
   * spec's text) from a ConfigMap, and drivers that announce themselves to it.
   */
  public ClusterModel withAutoscaler(String specYaml) {
    return new ClusterModel(spec, owner, namespace, image, Optional.of(specYaml));
  }

  public boolean hasAutoscaler() {
    return autoscalerSpec.isPresent();
  }

  public AppOwner owner() {
    return owner;
  }

  public String image() {
    return image;
  }

  public ClusterSpec spec() {
    return spec;
  }

  public ClusterNames names() {
    return names;
  }

  public String namespace() {
    return namespace;
  }

  /**
   * Every object but the worker pods, in an order that applies cleanly: identity and policy first,
   * then configuration, then the workloads.
   */
  public List<HasMetadata> clusterObjects() {
    RbacModel rbac = new RbacModel(this);
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(rbac.serviceAccount());
    objects.add(rbac.role());
    objects.add(rbac.roleBinding());
    objects.add(new NetworkPolicyModel(this, owner).networkPolicy());
    objects.addAll(workloadObjects());
    autoscalerSpec.ifPresent(
        text -> {
          AutoscalerModel autoscaler = new AutoscalerModel(this, text);
          objects.add(autoscaler.specConfigMap());
          objects.add(autoscaler.service());
          objects.add(autoscaler.deployment());
        });
    return objects;
  }

  /**
   * The Spark configuration and the singleton workloads (master, optional Connect server): what the
   * autoscaler's leader applies again at each leadership term, so that a cluster deployed from
   * {@code render} output is repaired and follows its spec.
   */
  public List<HasMetadata> workloadObjects() {
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(configMap());
    MasterModel master = new MasterModel(this);
    objects.add(master.service());
    objects.add(master.deployment());
    // The spec's connect.enabled (and --connect) asks for the server on every backend;
    // kubernetes.connect(.enabled) is kept as the same switch for specs written for Kubernetes
    // only.
    if (spec.connect().enabled() || spec.kubernetes().connect().enabled()) {
      ConnectModel connect = new ConnectModel(this);
      objects.add(connect.service());
      objects.add(connect.deployment());
    }
    return objects;
  }

  /**
   * The Secret with the cluster's RPC secret. Not among {@link #clusterObjects()}: {@code render}
   * prints no secret, and {@code up} creates it once with a value it generates, then never changes
   * it (the running cluster holds it).
   */
  public Secret authSecret(String value) {
    return new SecretBuilder()
        .withMetadata(meta(names.authSecret(), "auth"))
        .withType("Opaque")
        .withStringData(Map.of(ClusterNames.AUTH_SECRET_KEY, value))
        .build();
  }

  /** A worker pod; the backend chooses the suffix (a short random name part). */
  public Pod workerPod(String suffix) {
    return new WorkerModel(this).pod(suffix);
  }

  /** The Spark settings of the daemons and of drivers (the Connect server, the app's drivers). */
  public ConfigMap configMap() {
    return new ConfigMapBuilder()
        .withMetadata(meta(names.config(), "config"))
        .withData(
            new java.util.TreeMap<>(
                Map.of(
                    SparkPods.DAEMON_CONF_KEY, propertiesText(SparkConfModel.daemonConf(spec)),
                    SparkPods.DRIVER_CONF_KEY, propertiesText(driverConf()))))
        .build();
  }

  Map<String, String> driverConf() {
    Map<String, String> conf =
        new java.util.TreeMap<>(
            SparkConfModel.driverConf(spec, autoscalerSpec.map(text -> names.autoscalerUrl())));
    conf.put("spark.master", names.masterUrl());
    return conf;
  }

  /**
   * A hash of the configuration, put on pod templates so that a change rolls the Deployments. It
   * does not depend on the cluster's name (see {@link #nameFreeHash}).
   */
  String configHash() {
    ConfigMap config = configMap();
    String text =
        config.getData().entrySet().stream()
            .map(e -> e.getKey() + "\n" + e.getValue())
            .collect(Collectors.joining("\n"));
    return nameFreeHash(text);
  }

  /**
   * {@link #hash} of {@code text} with the cluster's name replaced by a fixed word: manifests
   * rendered once for a placeholder name and given the app's name by text substitution (the app
   * template's) carry the hash the autoscaler's leader computes for the real name, so that its
   * re-apply at each leadership term and a later {@code kubectl apply} agree and roll nothing.
   */
  String nameFreeHash(String text) {
    return hash(text.replace(spec.name(), "<cluster>"));
  }

  /** The first 16 bytes of the SHA-256 of {@code text}, in hex. */
  static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  Map<String, String> labels(String component) {
    return Labels.of(spec.name(), owner.name(), component);
  }

  ObjectMeta meta(String name, String component) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels(component))
        .withOwnerReferences(ownerReference())
        .build();
  }

  /**
   * What the autoscaler's leader adopts: every object of {@link #clusterObjects()} and the Secret
   * with the RPC secret (metadata only). Manifests applied before the app's Deployment exists (the
   * app template's {@code kubectl apply -k}, an OpenShift Template) cannot name its uid, so the
   * leader, which reads it, gives them the owner reference {@code up --kubernetes} gives; deleting
   * the app's Deployment then removes the whole cluster on every route. A Secret the user made
   * without the cluster's label is the user's and is left alone.
   */
  public List<HasMetadata> adoptedObjects() {
    List<HasMetadata> objects = new ArrayList<>(clusterObjects());
    objects.add(
        new SecretBuilder()
            .withMetadata(meta(names.authSecret(), "auth"))
            .withType("Opaque")
            .build());
    return objects;
  }

  /**
   * Not the controller (the app's Deployment does not manage these), and no {@code
   * blockOwnerDeletion}: where the OwnerReferencesPermissionEnforcement admission plugin runs (as
   * on OpenShift) setting it needs update on the owner's finalizers, which a namespace's {@code
   * admin} does not hold. Garbage collection removes these objects with the owner all the same;
   * only a foreground deletion of the owner no longer waits for them.
   */
  public OwnerReference ownerReference() {
    return new OwnerReferenceBuilder()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(owner.name())
        .withUid(owner.uid())
        .withController(false)
        .build();
  }

  static String propertiesText(Map<String, String> conf) {
    return conf.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + escape(e.getValue()) + "\n")
        .collect(Collectors.joining());
  }

  /** Java properties escapes, so that a value stays one line of spark-defaults.conf. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
  }
}
