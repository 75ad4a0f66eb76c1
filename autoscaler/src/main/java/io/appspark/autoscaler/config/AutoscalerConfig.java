package io.appspark.autoscaler.config;

import io.appspark.autoscaler.policy.PolicyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything the autoscaler is told, parsed and checked once at startup ({@link ConfigParser}).
 *
 * @param clusterDir the local cluster's directory (its state files and control token); unused on
 *     Kubernetes
 * @param kubernetes present when the backend is Kubernetes
 * @param pollInterval how often supply and demand are read and a decision is made
 * @param driverLease how long an announced driver counts without renewing its announcement
 */
public record AutoscalerConfig(
    String clusterName,
    Path clusterDir,
    String host,
    int port,
    PolicyConfig policy,
    Duration pollInterval,
    Duration driverLease,
    Optional<KubernetesSettings> kubernetes) {

  /** A local cluster's autoscaler. */
  public AutoscalerConfig(
      String clusterName,
      Path clusterDir,
      String host,
      int port,
      PolicyConfig policy,
      Duration pollInterval,
      Duration driverLease) {
    this(clusterName, clusterDir, host, port, policy, pollInterval, driverLease, Optional.empty());
  }
}
