package io.appspark.launcher.kubernetes;

import io.appspark.launcher.kubernetes.model.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one object look as desired, with server-side apply under the field manager {@code appspark}
 * (forcing conflicts: these objects are ours), or deletes it when nothing is desired. Every writer
 * of the Kubernetes backend goes through here, so every change is reported the same way.
 */
public final class Reconciler {
  public static final String FIELD_MANAGER = "appspark";
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final KubernetesClient client;

  public Reconciler(KubernetesClient client) {
    this.client = client;
  }

  /** What reconciling did to an object. */
  public enum Outcome {
    CREATED,
    UPDATED,
    UNCHANGED,
    DELETED
  }

  /** One object's outcome, as {@code kind(namespace/name)}. */
  public record Change(String kind, String namespace, String name, Outcome outcome) {
    @Override
    public String toString() {
      return kind
          + "("
          + namespace
          + "/"
          + name
          + ") "
          + outcome.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Applies {@code desired} as the object {@code namespace/name} of {@code type}, or deletes that
   * object when {@code desired} is null. Applying content the server already has changes nothing,
   * not even the resourceVersion.
   */
  public <T extends HasMetadata> Change reconcile(
      Class<T> type, String namespace, String name, T desired) {
    T current = client.resources(type).inNamespace(namespace).withName(name).get();
    String kind = desired != null ? desired.getKind() : kindOf(type, current);
    Change change;
    if (desired == null) {
      change = new Change(kind, namespace, name, delete(type, namespace, name, current));
    } else {
      checkNamed(desired, namespace, name);
      T applied =
          client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      change = new Change(kind, namespace, name, outcome(current, applied));
    }
    if (change.outcome() != Outcome.UNCHANGED) {
      LOG.info("{}", change);
    }
    return change;
  }

  /** Applies an object named by its own metadata. */
  @SuppressWarnings("unchecked")
  public <T extends HasMetadata> Change apply(T desired) {
    return reconcile(
        (Class<T>) desired.getClass(),
        desired.getMetadata().getNamespace(),
        desired.getMetadata().getName(),
        desired);
  }

  /**
   * Creates {@code desired} unless an object of its name exists, which is then left exactly as it
   * is: for values made once (a generated secret) that a later apply must not replace.
   */
  public <T extends HasMetadata> Change createIfAbsent(T desired) {
    String namespace = desired.getMetadata().getNamespace();
    String name = desired.getMetadata().getName();
    Outcome outcome;
    if (client.resource(desired).get() != null) {
      outcome = Outcome.UNCHANGED;
    } else {
      try {
        client.resource(desired).create();
        outcome = Outcome.CREATED;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        outcome = Outcome.UNCHANGED;
      }
    }
    Change change = new Change(desired.getKind(), namespace, name, outcome);
    if (outcome != Outcome.UNCHANGED) {
      LOG.info("{}", change);
    }
    return change;
  }

  /**
   * Gives the existing object named like {@code desired} the reference to {@code owner}, when it is
   * labelled as the cluster's ({@link Labels#CLUSTER} equal to {@code cluster}) and has none to
   * that owner yet; anything else (absent, not the cluster's, already owned) is left as it is. Only
   * the ownerReferences change: a JSON merge patch holding the list and the object's
   * resourceVersion, so that a concurrent change makes it fail rather than be lost.
   */
  @SuppressWarnings("unchecked")
  public <T extends HasMetadata> Change adopt(T desired, OwnerReference owner, String cluster) {
    String namespace = desired.getMetadata().getNamespace();
    String name = desired.getMetadata().getName();
    var resource =
        client.resources((Class<T>) desired.getClass()).inNamespace(namespace).withName(name);
    T current = resource.get();
    Outcome outcome = Outcome.UNCHANGED;
    if (current != null && isClusters(current, cluster) && !ownedBy(current, owner)) {
      List<OwnerReference> owners = new ArrayList<>();
      if (current.getMetadata().getOwnerReferences() != null) {
        owners.addAll(current.getMetadata().getOwnerReferences());
      }
      owners.add(owner);
      Map<String, Object> metadata =
          Map.of(
              "resourceVersion",
              current.getMetadata().getResourceVersion(),
              "ownerReferences",
              owners);
      resource.patch(
          PatchContext.of(PatchType.JSON_MERGE),
          Serialization.asJson(Map.of("metadata", metadata)));
      outcome = Outcome.UPDATED;
    }
    Change change = new Change(desired.getKind(), namespace, name, outcome);
    if (outcome != Outcome.UNCHANGED) {
      LOG.info("{} (owner {} {})", change, owner.getKind(), owner.getName());
    }
    return change;
  }

  private static boolean isClusters(HasMetadata object, String cluster) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null && cluster.equals(labels.get(Labels.CLUSTER));
  }

  private static boolean ownedBy(HasMetadata object, OwnerReference owner) {
    List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
    return owners != null && owners.stream().anyMatch(o -> owner.getUid().equals(o.getUid()));
  }

  private <T extends HasMetadata> Outcome delete(
      Class<T> type, String namespace, String name, T current) {
    if (current == null) {
      return Outcome.UNCHANGED;
    }
    client.resources(type).inNamespace(namespace).withName(name).delete();
    return Outcome.DELETED;
  }

  private static Outcome outcome(HasMetadata before, HasMetadata after) {
    if (before == null) {
      return Outcome.CREATED;
    }
    return Objects.equals(
            before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())
        ? Outcome.UNCHANGED
        : Outcome.UPDATED;
  }

  private static void checkNamed(HasMetadata desired, String namespace, String name) {
    if (!name.equals(desired.getMetadata().getName())
        || !namespace.equals(desired.getMetadata().getNamespace())) {
      throw new IllegalArgumentException(
          "desired object "
              + desired.getMetadata().getNamespace()
              + "/"
              + desired.getMetadata().getName()
              + " is not "
              + namespace
              + "/"
              + name);
    }
  }

  private static String kindOf(Class<?> type, HasMetadata current) {
    return current != null ? current.getKind() : type.getSimpleName();
  }
}
