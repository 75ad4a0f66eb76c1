package io.appspark.autoscaler.kubernetes;

import io.appspark.autoscaler.loop.DecisionRecord;
import io.appspark.launcher.kubernetes.model.AppOwner;
import io.appspark.launcher.kubernetes.model.Labels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A scale action as a core/v1 Event on the app's Deployment, so that {@code kubectl describe
 * deployment/APP} and {@code kubectl get events} tell what the autoscaler did and why: the message
 * is the decision's reason. Pure.
 */
public final class ScaleEvents {
  public static final String SOURCE = "appspark-autoscaler";
  static final String ADDED = "WorkersAdded";
  static final String RETIRED = "WorkersRetired";
  static final String GAVE_UP = "WorkerUnschedulable";

  private ScaleEvents() {}

  /**
   * The Event of a decision, or empty for a hold.
   *
   * @param name a name no other Event of the namespace has
   * @param reporter the autoscaler replica (its pod name)
   */
  public static Optional<Event> of(
      DecisionRecord decision,
      String cluster,
      AppOwner owner,
      String namespace,
      String name,
      String reporter) {
    String reason =
        switch (decision.action()) {
          case "add" -> ADDED;
          case "retire" -> RETIRED;
          default -> null;
        };
    if (reason == null) {
      return Optional.empty();
    }
    return Optional.of(
        event(
            "Normal",
            reason,
            decision.reason(),
            decision.atMillis(),
            cluster,
            owner,
            namespace,
            name,
            reporter));
  }

  /**
   * The Warning Event of a worker pod given up because it was never scheduled; its message says
   * which pod, why, and how long adding workers is held back.
   */
  public static Event gaveUp(
      PendingPods.GiveUp given,
      Duration hold,
      long atMillis,
      String cluster,
      AppOwner owner,
      String namespace,
      String name,
      String reporter) {
    String message = given.reason() + "; no worker added for " + hold.toSeconds() + "s";
    return event("Warning", GAVE_UP, message, atMillis, cluster, owner, namespace, name, reporter);
  }

  /** Like the names kubectl's recorder gives: the object, a dot, a unique hex part. */
  public static String uniqueName(AppOwner owner) {
    return owner.name() + "." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  private static Event event(
      String type,
      String reason,
      String message,
      long atMillis,
      String cluster,
      AppOwner owner,
      String namespace,
      String name,
      String reporter) {
    String at = Instant.ofEpochMilli(atMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels(Labels.CLUSTER, cluster)
        .addToLabels(Labels.MANAGED_BY, Labels.MANAGER)
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(owner.name())
        .withUid(owner.uid())
        .withNamespace(namespace)
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withNewSource()
        .withComponent(SOURCE)
        .withHost(reporter)
        .endSource()
        .withFirstTimestamp(at)
        .withLastTimestamp(at)
        .withCount(1)
        .build();
  }
}
