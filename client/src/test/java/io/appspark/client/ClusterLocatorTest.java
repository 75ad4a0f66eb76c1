package io.appspark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterLocatorTest {
  @TempDir Path dir;

  @Test
  void findsALocalClusterByName() throws Exception {
    StateDirectory state = new StateDirectory(dir);
    Files.createDirectories(state.cluster("shop"));
    var written =
        new ClusterConnection(
            "shop",
            "spark://127.0.0.1:7177",
            "http://127.0.0.1:8180",
            Map.of("spark.decommission.enabled", "true"));
    try (Writer out = Files.newBufferedWriter(state.connectionFile("shop"))) {
      written.writeTo(out);
    }

    var found = new ClusterLocator(Map.of(), state).locate("shop");

    assertThat(found).isEqualTo(written);
  }

  @Test
  void theSparkConnectUrlTravelsWithTheConnectionWhenTheClusterRunsAServer() throws Exception {
    StateDirectory state = new StateDirectory(dir);
    Files.createDirectories(state.cluster("shop"));
    var written =
        new ClusterConnection(
            "shop",
            "spark://127.0.0.1:7177",
            "http://127.0.0.1:8180",
            Map.of(),
            "sc://127.0.0.1:15002");
    try (Writer out = Files.newBufferedWriter(state.connectionFile("shop"))) {
      written.writeTo(out);
    }

    assertThat(new ClusterLocator(Map.of(), state).locate("shop").connectUrl())
        .isEqualTo("sc://127.0.0.1:15002");
  }

  @Test
  void theEnvironmentWinsOverLocalState() {
    var env =
        Map.of(
            ClusterLocator.MASTER_URL_ENV,
            "spark://master:7077",
            ClusterLocator.CLUSTER_ENV,
            "shop");
    var found = new ClusterLocator(env, new StateDirectory(dir)).locate();

    assertThat(found.masterUrl()).isEqualTo("spark://master:7077");
    assertThat(found.name()).isEqualTo("shop");
  }

  @Test
  void aMissingClusterSaysHowToStartOne() {
    assertThatThrownBy(() -> new ClusterLocator(Map.of(), new StateDirectory(dir)).locate("nope"))
        .hasMessageContaining("cluster 'nope'")
        .hasMessageContaining("./appspark up");
  }

  @Test
  void aMasterUrlThatIsNotSparkIsRefusedNamingTheVariable() {
    var env = Map.of(ClusterLocator.MASTER_URL_ENV, "http://master:8080");
    assertThatThrownBy(() -> new ClusterLocator(env, new StateDirectory(dir)).locate())
        .hasMessageContaining(ClusterLocator.MASTER_URL_ENV);
  }

  @Test
  void stateDirectoryFollowsTheDocumentedOrder() {
    assertThat(StateDirectory.from(Map.of("APPSPARK_STATE_DIR", "/a"), "/home/u").root())
        .isEqualTo(Path.of("/a"));
    assertThat(StateDirectory.from(Map.of("XDG_STATE_HOME", "/x"), "/home/u").root())
        .isEqualTo(Path.of("/x/appspark"));
    assertThat(StateDirectory.from(Map.of(), "/home/u").root())
        .isEqualTo(Path.of("/home/u/.local/state/appspark"));
  }
}
