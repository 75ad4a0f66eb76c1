package io.appspark.launcher.kubernetes.model;

/** The ports of the cluster's Spark processes (the image's defaults, set explicitly). */
public final class Ports {
  public static final int MASTER_RPC = 7077;
  public static final int MASTER_UI = 8080;
  public static final int WORKER_RPC = 7078;
  public static final int WORKER_UI = 8081;
  public static final int CONNECT_GRPC = 15002;
  public static final int CONNECT_UI = 4040;
  public static final int AUTOSCALER_HTTP = 8090;

  private Ports() {}
}
