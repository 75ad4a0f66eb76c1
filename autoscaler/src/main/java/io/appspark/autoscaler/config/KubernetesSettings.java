package io.appspark.autoscaler.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the autoscaler needs on Kubernetes ({@code APPSPARK_AUTOSCALER_BACKEND=kubernetes}).
 *
 * @param namespace the cluster's namespace (the pod's own, from the downward API)
 * @param podName this replica's pod name: its identity in the leader election
 * @param owner the app's Deployment that owns the cluster
 * @param specFile the cluster spec (mounted from the ConfigMap {@code <cluster>-spec})
 * @param image the Spark image of the worker pods
 * @param masterUrl the master's web UI, whose {@code /json/} lists the registered workers
 * @param leaseDuration how long a leader's Lease holds without renewal; a standby takes over after
 * @param pendingTimeout how long a worker pod may stay unscheduled before the leader gives it up
 */
public record KubernetesSettings(
    String namespace,
    String podName,
    String owner,
    Path specFile,
    String image,
    String masterUrl,
    Duration leaseDuration,
    Duration pendingTimeout) {}
