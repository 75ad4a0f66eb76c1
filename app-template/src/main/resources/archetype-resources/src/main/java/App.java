package ${package};

import ${package}.http.HttpApi;
import ${package}.model.EventLog;
import ${package}.model.Jobs;
import ${package}.secrets.AppSecrets;
import ${package}.spark.SparkSessions;
import ${package}.spark.SparkTrainer;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.sql.SparkSession;

/**
 * The service: ingests events, trains a model on the in-app Spark cluster, serves predictions from
 * the model it holds in memory. This JVM is the Spark driver (client mode); executors run on the
 * cluster's workers.
 */
public final class App {
  private static final System.Logger LOG = System.getLogger(App.class.getName());

  private App() {}

  public static void main(String[] args) {
    AppConfig config;
    try {
      config = AppConfig.from(System.getenv(), AppSecrets.resolver(System.getenv()));
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.ERROR, "bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    SparkSession spark = SparkSessions.create(config);
    ExecutorService training = Executors.newSingleThreadExecutor();
    Jobs jobs = new Jobs(new SparkTrainer(spark), training);
    Vertx vertx = Vertx.vertx();
    HttpApi api = new HttpApi(new EventLog(), jobs, config.apiToken());
    vertx
        .createHttpServer()
        .requestHandler(api.router(vertx))
        .listen(config.httpPort())
        .onSuccess(
            server ->
                LOG.log(
                    System.Logger.Level.INFO,
                    "serving on port "
                        + server.actualPort()
                        + ", Spark master "
                        + spark.sparkContext().master()))
        .onFailure(
            e -> {
              LOG.log(System.Logger.Level.ERROR, "cannot listen on " + config.httpPort(), e);
              System.exit(1);
            });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  vertx.close();
                  training.shutdownNow();
                  spark.stop();
                },
                "shutdown"));
  }
}
