package io.appspark.launcher.kubernetes.model;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who may reach the cluster's Spark pods (master, workers, Connect server) and its autoscaler, on
 * any port (executors listen on ports Spark picks): the cluster's own pods, its autoscaler, pods
 * labelled {@code appspark.io/client=<cluster>} (notebooks and any other client the app adds), and
 * the app's own pods (its Deployment's selector). Only from this namespace: peers are pod selectors
 * without a namespace selector. Egress is not restricted: drivers and executors call each other
 * both ways.
 */
final class NetworkPolicyModel {
  private final ClusterModel cluster;
  private final AppOwner owner;

  NetworkPolicyModel(ClusterModel cluster, AppOwner owner) {
    this.cluster = cluster;
    this.owner = owner;
  }

  NetworkPolicy networkPolicy() {
    String name = cluster.spec().name();
    return new NetworkPolicyBuilder()
        .withMetadata(cluster.meta(cluster.names().networkPolicy(), "network-policy"))
        .withNewSpec()
        .withNewPodSelector()
        .addToMatchLabels(Labels.CLUSTER, name)
        .addNewMatchExpression()
        .withKey(Labels.ROLE)
        .withOperator("In")
        .withValues(roles())
        .endMatchExpression()
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .withFrom(peers(name))
        .endIngress()
        .endSpec()
        .build();
  }

  /** The autoscaler's API (pins, driver announcements) is guarded like the Spark pods. */
  private List<String> roles() {
    List<String> roles =
        new ArrayList<>(List.of(MasterModel.ROLE, WorkerModel.ROLE, ConnectModel.ROLE));
    if (cluster.hasAutoscaler()) {
      roles.add(AutoscalerModel.ROLE);
    }
    return roles;
  }

  private List<NetworkPolicyPeer> peers(String name) {
    List<NetworkPolicyPeer> peers = new ArrayList<>();
    peers.add(peer(Map.of(Labels.CLUSTER, name)));
    peers.add(peer(Map.of(Labels.CLIENT, name)));
    if (!owner.podLabels().isEmpty()) {
      peers.add(peer(owner.podLabels()));
    }
    return peers;
  }

  private static NetworkPolicyPeer peer(Map<String, String> labels) {
    return new NetworkPolicyPeerBuilder()
        .withNewPodSelector()
        .withMatchLabels(new java.util.TreeMap<>(labels))
        .endPodSelector()
        .build();
  }
}
