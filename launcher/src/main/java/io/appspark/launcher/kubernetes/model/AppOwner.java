package io.appspark.launcher.kubernetes.model;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The app's Deployment, which owns the cluster: every object of the cluster has an ownerReference
 * to it, so deleting the app lets Kubernetes' garbage collector remove the cluster.
 *
 * @param podLabels labels that select the app's pods (its Deployment's selector), allowed through
 *     the NetworkPolicy; empty when unknown
 */
public record AppOwner(String name, String uid, Map<String, String> podLabels) {
  public AppOwner {
    podLabels = Collections.unmodifiableMap(new TreeMap<>(podLabels));
  }
}
