package io.appspark.launcher.kubernetes.model;

import java.util.Map;
import java.util.TreeMap;

/** The labels every object of a cluster carries, and the selectors built from them. */
public final class Labels {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String CLUSTER = "appspark.io/cluster";
  public static final String ROLE = "appspark.io/role";

  /** Pods with this label set to the cluster's name may reach the cluster (NetworkPolicy). */
  public static final String CLIENT = "appspark.io/client";

  public static final String MANAGER = "appspark";

  /**
   * Set to {@link #LEADING} on the autoscaler pod that holds the Lease, by that pod itself; the
   * autoscaler's Service selects it, so drivers and pins reach the leader only while both replicas
   * are Ready.
   */
  public static final String LEADER = "appspark.io/autoscaler-leader";

  public static final String LEADING = "true";

  private Labels() {}

  /** Labels of an object of {@code component} (master, worker, connect, config, autoscaler...). */
  public static Map<String, String> of(String cluster, String app, String component) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(NAME, "spark");
    labels.put(INSTANCE, cluster);
    labels.put(COMPONENT, component);
    labels.put(PART_OF, app);
    labels.put(MANAGED_BY, MANAGER);
    labels.put(CLUSTER, cluster);
    labels.put(ROLE, component);
    return labels;
  }

  /** Selects the cluster's pods of one role. */
  public static Map<String, String> selector(String cluster, String role) {
    return new TreeMap<>(Map.of(CLUSTER, cluster, ROLE, role));
  }
}
