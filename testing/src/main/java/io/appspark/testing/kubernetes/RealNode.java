package io.appspark.testing.kubernetes;

import java.nio.file.Path;

/**
 * The real node of an {@link EnableRealNode} run: its control plane, the Spark image as pods name
 * it (already in the node's runtime, never pulled), the node's address on the pod bridge (where
 * pods reach servers of this machine that listen on it), and the pause image (a tiny image for
 * placeholder workloads, such as an app Deployment that only owns a cluster).
 */
public record RealNode(
    ControlPlane controlPlane, String sparkImage, String nodeIp, String pauseImage) {
  public Path stateDir() {
    return controlPlane.stateDir();
  }
}
