package io.appspark.autoscaler;

import io.appspark.autoscaler.backend.WorkerBackend;
import io.appspark.autoscaler.config.AutoscalerConfig;
import io.appspark.autoscaler.demand.AllocationGauges;
import io.appspark.autoscaler.demand.DemandReader;
import io.appspark.autoscaler.demand.DriverRegistry;
import io.appspark.autoscaler.http.HttpApi;
import io.appspark.autoscaler.loop.AutoscalerMetrics;
import io.appspark.autoscaler.loop.ScalingLoop;
import io.appspark.autoscaler.policy.ScalingPolicy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/** The running autoscaler: its scaling loop and its HTTP API. */
public final class Autoscaler implements AutoCloseable {
  private final ScalingLoop loop;
  private final HttpServer server;

  private Autoscaler(ScalingLoop loop, HttpServer server) {
    this.loop = loop;
    this.server = server;
  }

  /** Starts serving, then starts the loop; fails if the port cannot be bound. */
  public static Future<Autoscaler> start(
      Vertx vertx,
      AutoscalerConfig config,
      WorkerBackend backend,
      Function<String, Optional<AllocationGauges>> gauges,
      Clock clock) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DriverRegistry drivers = new DriverRegistry(config.driverLease(), clock);
    ScalingPolicy policy = new ScalingPolicy(config.policy());
    DemandReader demand =
        new DemandReader(
            drivers, gauges, config.policy().coresPerWorker(), clock, DemandReader.GAUGE_REFRESH);
    ScalingLoop loop =
        new ScalingLoop(
            backend, demand, policy, clock, new AutoscalerMetrics(registry), config.pollInterval());
    HttpApi api = new HttpApi(loop, drivers, registry, config.policy());
    return vertx
        .createHttpServer()
        .requestHandler(api.router(vertx))
        .listen(config.port(), config.host())
        .map(
            server -> {
              loop.start();
              return new Autoscaler(loop, server);
            });
  }

  public int port() {
    return server.actualPort();
  }

  public ScalingLoop loop() {
    return loop;
  }

  @Override
  public void close() {
    loop.close();
    server.close();
  }
}
