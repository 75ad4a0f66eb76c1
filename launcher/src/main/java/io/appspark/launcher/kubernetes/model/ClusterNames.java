package io.appspark.launcher.kubernetes.model;

/** The names of a cluster's objects, all derived from the cluster's name. */
public record ClusterNames(String cluster) {
  public String master() {
    return cluster + "-spark-master";
  }

  public String workerPrefix() {
    return cluster + "-spark-worker-";
  }

  public String worker(String suffix) {
    return workerPrefix() + suffix;
  }

  public String connect() {
    return cluster + "-spark-connect";
  }

  public String config() {
    return io.appspark.client.DriverDefaults.configMapName(cluster);
  }

  public String autoscaler() {
    return cluster + "-autoscaler";
  }

  /** The ConfigMap holding the cluster spec the autoscaler reads. */
  public String spec() {
    return cluster + "-spec";
  }

  public String autoscalerUrl() {
    return "http://" + autoscaler() + ":" + Ports.AUTOSCALER_HTTP;
  }

  public String masterWebUrl() {
    return "http://" + master() + ":" + Ports.MASTER_UI;
  }

  public String networkPolicy() {
    return cluster + "-spark";
  }

  /** The Secret holding the cluster's RPC secret, under {@link #AUTH_SECRET_KEY}. */
  public String authSecret() {
    return cluster + "-spark-auth";
  }

  public static final String AUTH_SECRET_KEY = "secret";

  public String masterUrl() {
    return "spark://" + master() + ":" + Ports.MASTER_RPC;
  }
}
