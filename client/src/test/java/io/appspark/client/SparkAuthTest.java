package io.appspark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkAuthTest {
  @TempDir Path dir;

  private ClusterConnection cluster(String secretFile) {
    return new ClusterConnection(
        "shop", "spark://127.0.0.1:7177", "http://127.0.0.1:8180", Map.of(), "", secretFile);
  }

  @Test
  void aLocalClustersSecretComesFromTheFileItsConnectionNames() throws Exception {
    Path file = dir.resolve("spark-auth.conf");
    Files.writeString(file, "spark.authenticate.secret=abc123\n");

    assertThat(SparkAuth.secretFor(cluster(file.toString()), Map.of())).contains("abc123");
  }

  @Test
  void thePodsEnvironmentWinsOverAnyFile() {
    assertThat(
            SparkAuth.secretFor(
                cluster("/nonexistent/spark-auth.conf"), Map.of("APPSPARK_AUTH_SECRET", "k8s")))
        .contains("k8s");
  }

  @Test
  void aClusterWithoutSecretFileNeedsNone() {
    assertThat(SparkAuth.secretFor(cluster(""), Map.of())).isEmpty();
  }

  @Test
  void aMissingSecretFileIsAClearErrorThatNamesTheFile() {
    Path file = dir.resolve("gone/spark-auth.conf");

    assertThatThrownBy(() -> SparkAuth.secretFor(cluster(file.toString()), Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("is the cluster running");
  }

  @Test
  void aDriverWithTheSecretAuthenticatesAndEncrypts() {
    assertThat(SparkAuth.driverSettings("x"))
        .containsEntry("spark.authenticate", "true")
        .containsEntry("spark.network.crypto.enabled", "true")
        .containsEntry("spark.authenticate.secret", "x");
  }

  @Test
  void theConnectionFileCarriesWhereTheSecretIsNotTheSecret() throws Exception {
    ClusterConnection written = cluster("/state/clusters/shop/spark-auth.conf");
    StringWriter out = new StringWriter();
    written.writeTo(out);

    assertThat(out.toString())
        .contains("appspark.auth.secretFile=/state/clusters/shop/spark-auth.conf");
    assertThat(ClusterConnection.readFrom(new StringReader(out.toString()), "t"))
        .isEqualTo(written);
  }
}
