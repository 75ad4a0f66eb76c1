package io.appspark.launcher.cli;

import picocli.CommandLine.Option;

/** The app that owns a cluster on Kubernetes, and the image its Spark processes run. */
final class OwnerOptions {
  @Option(
      names = "--owner",
      paramLabel = "deployment/NAME",
      description =
          "The app's Deployment, which owns the cluster (deleting it deletes the cluster).")
  String owner;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description = "Spark image (default: ${DEFAULT-VALUE}).",
      defaultValue = "appspark/spark:4.2.0-0.1.0-SNAPSHOT")
  String image;
}
