package io.appspark.autoscaler;

import io.appspark.autoscaler.backend.LocalWorkerBackend;
import io.appspark.autoscaler.config.AutoscalerConfig;
import io.appspark.autoscaler.config.ConfigParser;
import io.appspark.autoscaler.config.InvalidConfigException;
import io.appspark.autoscaler.demand.DriverMetricsClient;
import io.appspark.autoscaler.kubernetes.KubernetesAutoscaler;
import io.appspark.launcher.local.ClusterLayout;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the autoscaler of an in-app cluster, local or on Kubernetes; configured by environment and
 * arguments.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    AutoscalerConfig config;
    try {
      config = ConfigParser.parse(System.getenv(), List.of(args));
    } catch (InvalidConfigException e) {
      System.err.println("appspark-autoscaler: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (config.kubernetes().isPresent()) {
      KubernetesAutoscaler.run(config, config.kubernetes().get());
      return;
    }
    Vertx vertx = Vertx.vertx();
    LocalWorkerBackend backend =
        new LocalWorkerBackend(
            config.clusterName(),
            new ClusterLayout(config.clusterDir()),
            config.policy().coresPerWorker());
    DriverMetricsClient metrics = new DriverMetricsClient();
    Autoscaler.start(vertx, config, backend, metrics::read, Clock.systemUTC())
        .onSuccess(
            a -> {
              LOG.info(
                  "autoscaler of cluster '{}' serving on http://{}:{} ({})",
                  config.clusterName(),
                  config.host(),
                  a.port(),
                  config.policy());
              Runtime.getRuntime()
                  .addShutdownHook(
                      new Thread(
                          () -> {
                            a.close();
                            vertx.close();
                          },
                          "appspark-autoscaler-shutdown"));
            })
        .onFailure(
            e -> {
              LOG.error(
                  "autoscaler of cluster '{}' cannot serve on {}:{}: {}",
                  config.clusterName(),
                  config.host(),
                  config.port(),
                  e.getMessage());
              vertx.close().onComplete(x -> System.exit(1));
            });
  }
}
