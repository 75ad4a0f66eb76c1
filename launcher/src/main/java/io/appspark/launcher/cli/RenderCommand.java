package io.appspark.launcher.cli;

import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.kubernetes.AppOwners;
import io.appspark.launcher.kubernetes.Manifests;
import io.appspark.launcher.kubernetes.model.AppOwner;
import io.appspark.launcher.kubernetes.model.ClusterModel;
import io.appspark.launcher.spec.ClusterSpec;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "render",
    description = {
      "Print a cluster's Kubernetes objects as YAML (for kubectl apply and GitOps).",
      "Worker pods are not included: the autoscaler (a Deployment in the output unless --no-autoscaler)",
      "creates them. The output holds no secret.",
      "The owner's uid and pod labels are read from the cluster unless --owner-uid is given."
    })
final class RenderCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin SpecOptions specOptions;

  @Mixin OwnerOptions owner;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      required = true,
      description = "The namespace the objects go to.")
  String namespace;

  @Option(
      names = "--owner-uid",
      paramLabel = "UID",
      description = "The owner Deployment's uid: renders without asking the cluster.")
  String ownerUid;

  @Option(
      names = "--owner-label",
      paramLabel = "KEY=VALUE",
      description = "With --owner-uid: a label of the app's pods, let through the NetworkPolicy.")
  Map<String, String> ownerLabels = new TreeMap<>();

  @Option(
      names = "--no-autoscaler",
      description = "Leave out the autoscaler (its Deployment, Service and spec ConfigMap).")
  boolean noAutoscaler;

  RenderCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    ClusterSpec spec = specOptions.load(context.defaultCluster());
    if (owner.owner == null) {
      throw new LauncherException(ExitCode.USAGE, "--owner: required: the app's deployment/NAME");
    }
    String ownerName = AppOwners.parse(owner.owner);
    AppOwner app;
    if (ownerUid != null) {
      app = new AppOwner(ownerName, ownerUid, ownerLabels);
    } else {
      try (var client = new KubernetesOptions().client()) {
        app = AppOwners.lookup(client, namespace, owner.owner);
      }
    }
    ClusterModel model = new ClusterModel(spec, app, namespace, owner.image);
    context
        .out()
        .print(Manifests.yaml(noAutoscaler ? model : model.withAutoscaler(specOptions.text())));
    context.out().flush();
    return ExitCode.OK.code();
  }
}
