package io.appspark.launcher.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.launcher.kubernetes.model.AppOwner;
import io.appspark.launcher.kubernetes.model.ClusterModel;
import io.appspark.launcher.spec.SpecOverrides;
import io.appspark.launcher.spec.SpecReader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestsTest {
  private static ClusterModel model() {
    return new ClusterModel(
        SpecReader.read(
            "name: shop\nsparkConf: {spark.a: '1', spark.b: '2'}\nkubernetes: {connect: true}\n",
            "t",
            SpecOverrides.none()),
        new AppOwner("shop", "uid-1", Map.of("app", "shop", "tier", "web")),
        "team-a",
        "img:1");
  }

  @Test
  void theSameClusterRendersToTheSameBytes() {
    assertThat(Manifests.yaml(model())).isEqualTo(Manifests.yaml(model()));
  }

  @Test
  void everyObjectIsOneYamlDocumentThatReadsBackWithItsKindAndMetadata() {
    String yaml = Manifests.yaml(model());
    List<String> docs = Arrays.stream(yaml.split("(?m)^---\\n")).filter(d -> !d.isBlank()).toList();

    assertThat(docs).hasSize(model().clusterObjects().size());
    for (int i = 0; i < docs.size(); i++) {
      HasMetadata read = new KubernetesSerialization().unmarshal(docs.get(i));
      HasMetadata expected = model().clusterObjects().get(i);
      assertThat(read.getKind()).isEqualTo(expected.getKind());
      assertThat(read.getMetadata()).isEqualTo(expected.getMetadata());
    }
    assertThat(yaml).doesNotContain("kind: \"Secret\"");
  }

  @Test
  void theRenderedClusterReferencesItsAuthSecretAndHoldsNoValue() {
    String yaml = Manifests.yaml(model());

    assertThat(yaml)
        .contains("secretKeyRef")
        .contains("shop-spark-auth")
        .doesNotContain("spark.authenticate.secret")
        .doesNotContain("stringData");
  }
}
