package io.appspark.autoscaler.kubernetes;

import io.appspark.autoscaler.Autoscaler;
import io.appspark.autoscaler.config.AutoscalerConfig;
import io.appspark.autoscaler.config.KubernetesSettings;
import io.appspark.autoscaler.demand.DriverMetricsClient;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.kubernetes.AppOwners;
import io.appspark.launcher.kubernetes.Reconciler;
import io.appspark.launcher.kubernetes.model.AppOwner;
import io.appspark.launcher.kubernetes.model.ClusterModel;
import io.appspark.launcher.spark.MasterClient;
import io.appspark.launcher.spec.ClusterSpec;
import io.appspark.launcher.spec.InvalidSpecException;
import io.appspark.launcher.spec.SpecOverrides;
import io.appspark.launcher.spec.SpecReader;
import io.appspark.launcher.spec.SpecText;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The autoscaler of a cluster on Kubernetes, one of its Deployment's replicas: reads the cluster
 * spec, finds the app's Deployment that owns the cluster, stands for leadership, and serves. At the
 * start of each term the leader applies the cluster's Spark configuration and workloads (as {@code
 * up --kubernetes} would), then adopts the worker pods it finds by their labels and scales them.
 */
public final class KubernetesAutoscaler {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesAutoscaler.class);

  private KubernetesAutoscaler() {}

  /** Runs until the JVM stops; exits 2 on a bad spec, 1 when it cannot start. */
  public static void run(AutoscalerConfig config, KubernetesSettings settings) {
    String specYaml;
    ClusterSpec spec;
    try {
      specYaml = SpecText.read(settings.specFile());
      spec = readSpec(specYaml, settings.specFile().toString(), config.clusterName());
    } catch (IOException | InvalidSpecException e) {
      System.err.println("appspark-autoscaler: cluster spec: " + e.getMessage());
      System.exit(2);
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    AppOwner owner;
    try {
      owner = AppOwners.lookup(client, settings.namespace(), "deployment/" + settings.owner());
    } catch (LauncherException | KubernetesClientException e) {
      System.err.println("appspark-autoscaler: owner: " + e.getMessage());
      client.close();
      System.exit(1);
      return;
    }
    // The model up --kubernetes applies, autoscaler included: without it the leader would apply
    // drivers' settings that do not name the autoscaler, and the two writers would take turns.
    start(
        config,
        settings,
        client,
        new ClusterModel(spec, owner, settings.namespace(), settings.image())
            .withAutoscaler(specYaml));
  }

  /**
   * The mounted spec as the CLI reads a spec file, but for an empty one: that is what {@code up
   * --kubernetes} and {@code render} mount when they were given no -f (they refuse an empty file),
   * so it means the defaults, named by {@code APPSPARK_CLUSTER}.
   */
  static ClusterSpec readSpec(String specYaml, String source, String clusterName) {
    var overrides = new SpecOverrides(Optional.of(clusterName), Optional.empty());
    return specYaml.isEmpty()
        ? SpecReader.defaults(overrides)
        : SpecReader.read(specYaml, source, overrides);
  }

  private static void start(
      AutoscalerConfig config,
      KubernetesSettings settings,
      KubernetesClient client,
      ClusterModel model) {
    String marker = "autoscaler(" + model.namespace() + "/" + model.spec().name() + ")";
    Leadership leadership =
        new Leadership(
            client,
            settings.namespace(),
            model.names().autoscaler(),
            settings.podName(),
            settings.leaseDuration(),
            () -> applyWorkloads(client, model, marker));
    Clock clock = Clock.systemUTC();
    LeaderOnlyBackend backend =
        new LeaderOnlyBackend(
            new KubernetesWorkerBackend(
                client,
                model,
                new MasterClient(settings.masterUrl()),
                clock,
                settings.pendingTimeout(),
                settings.podName()),
            leadership::isLeader,
            leadership::leader);
    Vertx vertx = Vertx.vertx();
    DriverMetricsClient metrics = new DriverMetricsClient();
    Autoscaler.start(vertx, config, backend, metrics::read, clock)
        .onSuccess(
            autoscaler -> {
              ScaleEventRecorder events =
                  new ScaleEventRecorder(
                      client,
                      autoscaler.loop()::status,
                      model.spec().name(),
                      model.owner(),
                      model.namespace(),
                      settings.podName(),
                      clock.millis());
              events.start(config.pollInterval());
              leadership.start();
              LOG.info(
                  "{} {} serving on http://{}:{} ({})",
                  marker,
                  settings.podName(),
                  config.host(),
                  autoscaler.port(),
                  config.policy());
              Runtime.getRuntime()
                  .addShutdownHook(
                      new Thread(
                          () -> {
                            leadership.close();
                            events.close();
                            autoscaler.close();
                            vertx.close();
                            client.close();
                          },
                          "appspark-autoscaler-shutdown"));
            })
        .onFailure(
            e -> {
              LOG.error(
                  "{} cannot serve on {}:{}: {}",
                  marker,
                  config.host(),
                  config.port(),
                  e.getMessage());
              client.close();
              vertx.close().onComplete(x -> System.exit(1));
            });
  }

  /**
   * The leader's first act: the Spark configuration, master and Connect server as the spec says;
   * then the cluster's objects that manifests made without an owner (the app template's routes)
   * become the app's Deployment's, so that its deletion takes the whole cluster.
   */
  private static void applyWorkloads(KubernetesClient client, ClusterModel model, String marker) {
    Reconciler reconciler = new Reconciler(client);
    for (HasMetadata object : model.workloadObjects()) {
      reconciler.apply(object);
    }
    LOG.info("{} workloads applied", marker);
    long adopted =
        model.adoptedObjects().stream()
            .map(o -> reconciler.adopt(o, model.ownerReference(), model.spec().name()))
            .filter(c -> c.outcome() != Reconciler.Outcome.UNCHANGED)
            .count();
    if (adopted > 0) {
      LOG.info("{} {} objects adopted by deployment {}", marker, adopted, model.owner().name());
    }
  }
}
