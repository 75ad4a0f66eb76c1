package io.appspark.launcher.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;

/** What a pod's status says about the worker it runs. Pure: reads the object only. */
public final class PodStates {
  private PodStates() {}

  /**
   * The pod's containers ended for good (phase Succeeded or Failed): it runs no worker and never
   * will again, so it counts as gone and is deleted.
   */
  public static boolean ended(Pod pod) {
    String phase = phase(pod);
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  /** The scheduler has not placed the pod on a node yet. */
  public static boolean unscheduled(Pod pod) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return "Pending".equals(phase(pod)) && (node == null || node.isEmpty());
  }

  public static boolean deleting(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }
}
