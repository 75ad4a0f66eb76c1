package io.appspark.autoscaler.kubernetes;

import io.appspark.launcher.kubernetes.model.Labels;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Labels#LEADER} label on this replica's own pod, which the autoscaler's Service
 * selects: set when the replica starts leading, removed when it stops and when it starts (a
 * container restarted in the same pod must not inherit its predecessor's label). A leader that dies
 * keeps its label on a pod that is no longer Ready, so the Service has no endpoint there; the next
 * leader labels its own pod.
 */
final class LeaderLabel {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLabel.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String pod;

  LeaderLabel(KubernetesClient client, String namespace, String pod) {
    this.client = client;
    this.namespace = namespace;
    this.pod = pod;
  }

  void set(boolean leading) {
    try {
      client
          .pods()
          .inNamespace(namespace)
          .withName(pod)
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch(leading));
      LOG.info(
          "pod({}/{}) {} {}", namespace, pod, leading ? "labelled" : "unlabelled", Labels.LEADER);
    } catch (KubernetesClientException e) {
      LOG.warn(
          "pod({}/{}) cannot {} {}: {}",
          namespace,
          pod,
          leading ? "set" : "remove",
          Labels.LEADER,
          e.getMessage());
    }
  }

  /** A JSON merge patch that sets the label, or removes it (null). */
  static String patch(boolean leading) {
    String value = leading ? "\"" + Labels.LEADING + "\"" : "null";
    return "{\"metadata\":{\"labels\":{\"" + Labels.LEADER + "\":" + value + "}}}";
  }
}
