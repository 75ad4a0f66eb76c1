package io.appspark.launcher.cli;

import io.appspark.launcher.Await;
import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.Progress;
import io.appspark.launcher.kubernetes.AppOwners;
import io.appspark.launcher.kubernetes.ClusterStatus;
import io.appspark.launcher.kubernetes.KubernetesCluster;
import io.appspark.launcher.kubernetes.Reconciler.Change;
import io.appspark.launcher.kubernetes.model.AppOwner;
import io.appspark.launcher.kubernetes.model.ClusterModel;
import io.appspark.launcher.spec.ClusterSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The CLI's commands against a cluster in Kubernetes. The spec is valid before any API call. */
final class KubernetesCommands {
  private final KubernetesClient client;
  private final String namespace;
  private final PrintStream out;
  private final Progress progress;

  KubernetesCommands(KubernetesClient client, String namespace, CliContext context) {
    this.client = client;
    this.namespace = namespace;
    this.out = context.out();
    this.progress = Progress.console(context.err());
  }

  ClusterModel model(ClusterSpec spec, OwnerOptions owner) {
    if (owner.owner == null) {
      throw new LauncherException(
          ExitCode.USAGE, "--owner: required with --kubernetes: the app's deployment/NAME");
    }
    AppOwners.parse(owner.owner);
    AppOwner app = AppOwners.lookup(client, namespace, owner.owner);
    return new ClusterModel(spec, app, namespace, owner.image);
  }

  int up(ClusterModel model, int workers, Duration timeout) {
    KubernetesCluster cluster = new KubernetesCluster(client);
    report(cluster.apply(model, workers));
    ClusterStatus status =
        Await.until(
            "master ready and " + workers + " worker(s) registered in " + where(model),
            timeout,
            progress,
            () -> {
              ClusterStatus now = cluster.observe(namespace, model.spec().name());
              // A worker pod is ready once its master accepted its registration (its probe).
              return now.masterReady() && now.readyWorkers() >= workers
                  ? Optional.of(now)
                  : Optional.empty();
            });
    print(status);
    return ExitCode.OK.code();
  }

  int scale(ClusterModel model, int workers, Duration timeout) {
    KubernetesCluster cluster = new KubernetesCluster(client);
    report(cluster.scale(model, workers));
    ClusterStatus status =
        Await.until(
            workers + " worker pod(s) running in " + where(model),
            timeout,
            progress,
            () -> {
              ClusterStatus now = cluster.observe(namespace, model.spec().name());
              return now.workers().size() == workers && now.runningWorkers() == workers
                  ? Optional.of(now)
                  : Optional.empty();
            });
    print(status);
    return ExitCode.OK.code();
  }

  int status(String name) {
    ClusterStatus status = new KubernetesCluster(client).observe(namespace, name);
    if (!status.exists()) {
      out.println("cluster '" + name + "' does not exist in namespace " + namespace);
      return ExitCode.NOT_FOUND.code();
    }
    print(status);
    return ExitCode.OK.code();
  }

  int down(String name) {
    List<Change> changes = new KubernetesCluster(client).teardown(namespace, name);
    report(changes);
    out.println(
        changes.isEmpty()
            ? "cluster '" + name + "' does not exist in namespace " + namespace
            : "cluster '" + name + "' deleted from namespace " + namespace);
    return ExitCode.OK.code();
  }

  private String where(ClusterModel model) {
    return "cluster '" + model.spec().name() + "' (namespace " + namespace + ")";
  }

  private void report(List<Change> changes) {
    changes.forEach(c -> progress.done(c.toString()));
  }

  private void print(ClusterStatus status) {
    out.printf(
        "cluster '%s' in namespace %s: master %s%n",
        status.name(), status.namespace(), status.masterReady() ? "ready" : "NOT READY");
    out.printf(
        "  workers   %d pod(s), %d running, %d ready (registered with the master)%n",
        status.workers().size(), status.runningWorkers(), status.readyWorkers());
    status
        .workers()
        .forEach(
            w ->
                out.printf(
                    "    %-36s %-10s %-6s %s%n",
                    w.pod(),
                    w.phase(),
                    w.ready() ? "ready" : "-",
                    w.node() == null ? "" : w.node()));
  }
}
