package io.appspark.autoscaler.kubernetes;

import io.appspark.autoscaler.loop.DecisionRecord;
import io.appspark.launcher.kubernetes.model.AppOwner;
import io.appspark.launcher.kubernetes.model.Labels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A scale action as a core/v1 Event on the app's Deployment, so that {@code kubectl describe
 * deployment/APP} and {@code kubectl get events} tell what the autoscaler did and why: the message
 * is the decision's reason. Pure.
 */
public final class ScaleEvents {
  public static final String SOURCE = "appspark-autoscaler";
  static final String ADDED = "WorkersAdded";
  static final String RETIRED = "WorkersRetired";

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
    String at =
        Instant.ofEpochMilli(decision.atMillis()).truncatedTo(ChronoUnit.SECONDS).toString();
    return Optional.of(
        new EventBuilder()
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
            .withType("Normal")
            .withReason(reason)
            .withMessage(decision.reason())
            .withNewSource()
            .withComponent(SOURCE)
            .withHost(reporter)
            .endSource()
            .withFirstTimestamp(at)
            .withLastTimestamp(at)
            .withCount(1)
            .build());
  }
}
