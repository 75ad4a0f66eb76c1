package io.appspark.launcher.kubernetes;

import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.kubernetes.Reconciler.Change;
import io.appspark.launcher.kubernetes.model.ClusterModel;
import io.appspark.launcher.kubernetes.model.ClusterNames;
import io.appspark.launcher.kubernetes.model.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A cluster on Kubernetes: applies its model, keeps worker pods at a count, observes and tears
 * down. Worker pods are created one by one with server-side apply like every other object.
 */
public final class KubernetesCluster {
  private static final char[] SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789".toCharArray();

  private static final List<Class<? extends HasMetadata>> TEARDOWN_ORDER =
      List.of(
          Pod.class,
          Deployment.class,
          Service.class,
          ConfigMap.class,
          Secret.class,
          NetworkPolicy.class,
          RoleBinding.class,
          Role.class,
          ServiceAccount.class);

  /** The autoscaler's pods stop within their grace period (the loop ends at once on SIGTERM). */
  private static final Duration AUTOSCALER_STOP = Duration.ofSeconds(60);

  private final KubernetesClient client;
  private final Reconciler reconciler;
  private final SecureRandom random = new SecureRandom();

  public KubernetesCluster(KubernetesClient client) {
    this.client = client;
    this.reconciler = new Reconciler(client);
  }

  /**
   * Makes sure the cluster has its RPC secret, applies every object of the cluster, then brings the
   * workers to at least {@code workers}.
   */
  public List<Change> apply(ClusterModel model, int workers) {
    List<Change> changes = new ArrayList<>();
    changes.add(ensureAuthSecret(model));
    for (HasMetadata object : model.clusterObjects()) {
      changes.add(reconciler.apply(object));
    }
    changes.addAll(deleteEndedWorkers(model.namespace(), model.spec().name()));
    int have = workerPods(model.namespace(), model.spec().name()).size();
    for (int i = have; i < workers; i++) {
      changes.add(reconciler.apply(model.workerPod(suffix())));
    }
    return changes;
  }

  /**
   * Creates the Secret with the cluster's RPC secret, a value generated here, unless it exists: an
   * existing one (an earlier {@code up}'s, or one the app's team made) is kept, since the running
   * master and workers hold its value.
   */
  public Change ensureAuthSecret(ClusterModel model) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return reconciler.createIfAbsent(model.authSecret(HexFormat.of().formatHex(bytes)));
  }

  /**
   * Sets the number of worker pods: deletes those that ended, then adds new ones, or deletes the
   * least useful first (not ready, then the newest).
   */
  public List<Change> scale(ClusterModel model, int workers) {
    List<Change> changes =
        new ArrayList<>(deleteEndedWorkers(model.namespace(), model.spec().name()));
    List<Pod> pods = workerPods(model.namespace(), model.spec().name());
    for (int i = pods.size(); i < workers; i++) {
      changes.add(reconciler.apply(model.workerPod(suffix())));
    }
    pods.stream()
        .sorted(
            Comparator.comparing(KubernetesCluster::isReady)
                .thenComparing(
                    (Pod p) -> p.getMetadata().getCreationTimestamp(), Comparator.reverseOrder()))
        .limit(Math.max(0, pods.size() - workers))
        .forEach(p -> changes.add(deleteWorker(model.namespace(), p.getMetadata().getName())));
    return changes;
  }

  /** Creates one more worker pod, with a new random name. */
  public Change addWorker(ClusterModel model) {
    return reconciler.apply(model.workerPod(suffix()));
  }

  public ClusterStatus observe(String namespace, String cluster) {
    Deployment master =
        client
            .apps()
            .deployments()
            .inNamespace(namespace)
            .withName(new ClusterNames(cluster).master())
            .get();
    boolean masterReady =
        master != null
            && master.getStatus() != null
            && master.getStatus().getReadyReplicas() != null
            && master.getStatus().getReadyReplicas() >= 1;
    List<ClusterStatus.Worker> workers =
        workerPods(namespace, cluster).stream()
            .map(
                p ->
                    new ClusterStatus.Worker(
                        p.getMetadata().getName(),
                        p.getStatus() == null ? "Unknown" : p.getStatus().getPhase(),
                        isReady(p),
                        p.getSpec().getNodeName()))
            .toList();
    return new ClusterStatus(namespace, cluster, master != null, masterReady, workers);
  }

  /**
   * Deletes every object labelled as the cluster's: the autoscaler first (and waits until its pods
   * are gone, so that none of them creates a worker again), then worker pods, then the workloads,
   * then configuration and identity (the reverse of {@link #apply}).
   */
  public List<Change> teardown(String namespace, String cluster) {
    List<Change> changes = new ArrayList<>();
    Change autoscaler =
        reconciler.reconcile(
            Deployment.class, namespace, new ClusterNames(cluster).autoscaler(), null);
    if (autoscaler.outcome() != Reconciler.Outcome.UNCHANGED) {
      changes.add(autoscaler);
      awaitNoAutoscalerPods(namespace, cluster);
    }
    for (Class<? extends HasMetadata> kind : TEARDOWN_ORDER) {
      changes.addAll(deleteLabelled(kind, namespace, cluster));
    }
    return changes;
  }

  private <T extends HasMetadata> List<Change> deleteLabelled(
      Class<T> kind, String namespace, String cluster) {
    return client
        .resources(kind)
        .inNamespace(namespace)
        .withLabel(Labels.CLUSTER, cluster)
        .list()
        .getItems()
        .stream()
        .filter(o -> o.getMetadata().getDeletionTimestamp() == null)
        .map(o -> reconciler.reconcile(kind, namespace, o.getMetadata().getName(), null))
        .toList();
  }

  private void awaitNoAutoscalerPods(String namespace, String cluster) {
    try {
      client
          .pods()
          .inNamespace(namespace)
          .withLabels(Map.of(Labels.CLUSTER, cluster, Labels.ROLE, "autoscaler"))
          .informOnCondition(List::isEmpty)
          .get(AUTOSCALER_STOP.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new LauncherException(
          ExitCode.FAILED,
          "the autoscaler of cluster '"
              + cluster
              + "' did not stop within "
              + AUTOSCALER_STOP.toSeconds()
              + "s: "
              + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException(ExitCode.FAILED, "interrupted while the autoscaler stops");
    }
  }

  /** The cluster's worker pods that run or start (neither ended nor being deleted), by name. */
  public List<Pod> workerPods(String namespace, String cluster) {
    return workerPodsInAnyPhase(namespace, cluster).stream()
        .filter(p -> !PodStates.ended(p))
        .toList();
  }

  /** The cluster's worker pods that are not being deleted, ended ones included, by name. */
  public List<Pod> workerPodsInAnyPhase(String namespace, String cluster) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabels(Map.of(Labels.CLUSTER, cluster, Labels.ROLE, "worker"))
        .list()
        .getItems()
        .stream()
        .filter(p -> !PodStates.deleting(p))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /**
   * Deletes the worker pods whose containers ended (Succeeded or Failed): they run no worker, and
   * nothing else removes them before the app's deletion.
   */
  public List<Change> deleteEndedWorkers(String namespace, String cluster) {
    return workerPodsInAnyPhase(namespace, cluster).stream()
        .filter(PodStates::ended)
        .map(p -> deleteWorker(namespace, p.getMetadata().getName()))
        .toList();
  }

  public Change deleteWorker(String namespace, String pod) {
    return reconciler.reconcile(Pod.class, namespace, pod, null);
  }

  private String suffix() {
    char[] chars = new char[5];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = SUFFIX_CHARS[random.nextInt(SUFFIX_CHARS.length)];
    }
    return new String(chars);
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(
                (PodCondition c) -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
