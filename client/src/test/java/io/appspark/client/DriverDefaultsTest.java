package io.appspark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverDefaultsTest {
  private static final String CONF =
      "spark.dynamicAllocation.enabled=true\n"
          + "spark.plugins=io.appspark.sparkplugin.AutoscalerPlugin\n"
          + "spark.executor.cores=1\n";

  @TempDir Path dir;
  private HttpServer api;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (api != null) {
      api.stop(0);
    }
  }

  @Test
  void aMountedFileNamedByTheEnvironmentIsRead() throws Exception {
    Path file = dir.resolve("driver-defaults.conf");
    Files.writeString(file, CONF);

    var conf =
        DriverDefaults.forCluster(
            "shop",
            Map.of(
                DriverDefaults.FILE_ENV, file.toString(), "KUBERNETES_SERVICE_HOST", "10.96.0.1"),
            dir.resolve("no-account"),
            null);

    assertThat(conf)
        .containsEntry("spark.dynamicAllocation.enabled", "true")
        .containsEntry("spark.plugins", "io.appspark.sparkplugin.AutoscalerPlugin")
        .containsEntry("spark.executor.cores", "1");
  }

  @Test
  void aMissingFileNamesTheConfigMapToMount() {
    assertThatThrownBy(
            () ->
                DriverDefaults.forCluster(
                    "shop",
                    Map.of(DriverDefaults.FILE_ENV, dir.resolve("absent.conf").toString()),
                    dir,
                    null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("APPSPARK_DRIVER_CONF=")
        .hasMessageContaining("ConfigMap shop-spark-conf")
        .hasMessageContaining("driver-defaults.conf");
  }

  @Test
  void outsideKubernetesThereAreNoneToRead() {
    assertThat(DriverDefaults.forCluster("shop", Map.of(), dir, null)).isEmpty();
  }

  @Test
  void inAPodTheConfigMapIsReadThroughTheApiWithTheServiceAccountsToken() throws Exception {
    URI uri = serve(200, "{\"data\":{\"driver-defaults.conf\":" + json(CONF) + "}}");
    Path account = account("s3cr3t-token", "team-a");

    var conf = DriverDefaults.forCluster("shop", Map.of(), account, uri);

    assertThat(conf).containsEntry("spark.dynamicAllocation.enabled", "true").hasSize(3);
    assertThat(seen)
        .containsExactly(
            "/api/v1/namespaces/team-a/configmaps/shop-spark-conf Bearer s3cr3t-token");
  }

  @Test
  void aForbiddenReadSaysWhatToGrantOrMount() throws Exception {
    URI uri = serve(403, "{\"kind\":\"Status\"}");

    assertThatThrownBy(
            () -> DriverDefaults.forCluster("shop", Map.of(), account("t0k3n", "team-a"), uri))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("may not get configmaps/shop-spark-conf in namespace team-a")
        .hasMessageContaining("verbs [get]")
        .hasMessageContaining("APPSPARK_DRIVER_CONF")
        .hasMessageNotContaining("t0k3n");
  }

  @Test
  void aMissingConfigMapNamesTheClusterAndNamespace() throws Exception {
    URI uri = serve(404, "{}");

    assertThatThrownBy(
            () ->
                DriverDefaults.forCluster(
                    "shop", Map.of(DriverDefaults.NAMESPACE_ENV, "other"), account("t", "a"), uri))
        .hasMessageContaining("no ConfigMap shop-spark-conf in namespace other")
        .hasMessageContaining("cluster 'shop'");
  }

  @Test
  void aPodWithoutTokenOrFileIsToldBothWays() {
    assertThatThrownBy(
            () ->
                DriverDefaults.forCluster(
                    "shop", Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"), dir, null))
        .hasMessageContaining("mount the key driver-defaults.conf of ConfigMap shop-spark-conf")
        .hasMessageContaining("set APPSPARK_DRIVER_CONF")
        .hasMessageContaining("service account get configmaps/shop-spark-conf");
  }

  @Test
  void theLocatorGivesKubernetesDriversTheClustersSettings() throws Exception {
    Path file = dir.resolve("driver-defaults.conf");
    Files.writeString(file, CONF);
    var env =
        Map.of(
            ClusterLocator.MASTER_URL_ENV, "spark://shop-spark-master:7077",
            ClusterLocator.CLUSTER_ENV, "shop",
            DriverDefaults.FILE_ENV, file.toString());

    var found = new ClusterLocator(env, new StateDirectory(dir)).locate();

    assertThat(found.sparkConf()).containsEntry("spark.dynamicAllocation.enabled", "true");
  }

  private Path account(String token, String namespace) throws Exception {
    Path account = Files.createDirectories(dir.resolve("account"));
    Files.writeString(account.resolve("token"), token + "\n");
    Files.writeString(account.resolve("namespace"), namespace);
    return account;
  }

  private URI serve(int status, String body) throws Exception {
    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext(
        "/",
        exchange -> {
          seen.add(
              exchange.getRequestURI().getPath()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    api.start();
    return URI.create("http://127.0.0.1:" + api.getAddress().getPort());
  }

  private static String json(String text) {
    return "\"" + text.replace("\n", "\\n") + "\"";
  }
}
