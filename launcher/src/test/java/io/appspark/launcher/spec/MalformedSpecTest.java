package io.appspark.launcher.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appspark.launcher.spec.InvalidSpecException.SpecProblem;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Specs that YAML accepts but that are mistakes: each is refused, naming the field and the fix. */
class MalformedSpecTest {

  static Stream<Arguments> malformedSpecs() {
    return Stream.of(
        Arguments.of(
            "name: a\nworkers:\n  max: 2\nname: b\n", "name", "is given twice, at lines 1 and 4"),
        Arguments.of(
            "workers:\n  max: 2\n  min: 1\n  max: 8\n",
            "workers.max",
            "is given twice, at lines 2 and 4"),
        Arguments.of(
            "sparkConf:\n  spark.a: x\n  spark.a: y\n",
            "sparkConf.spark.a",
            "is given twice, at lines 2 and 3"),
        Arguments.of(
            "name: a\n---\nname: b\n", "(document)", "a second YAML document starts at line 3"),
        Arguments.of(
            "sparkConf:\n  spark.s3.key: 'vault:'\n",
            "sparkConf.spark.s3.key",
            "the vault: secret reference needs a Vault path and a key, as in vault:secret/data/my-app#s3SecretKey"),
        Arguments.of(
            "sparkConf:\n  spark.s3.key: vault:secret/data/x\n",
            "sparkConf.spark.s3.key",
            "the vault: secret reference needs a key, as in vault:secret/data/my-app#s3SecretKey"),
        Arguments.of(
            "sparkConf:\n  spark.s3.key: 'vault:secret/data/x#'\n",
            "sparkConf.spark.s3.key",
            "the vault: secret reference has an empty key after '#'"),
        Arguments.of(
            "sparkConf:\n  spark.s3.key: 'vault:/#key'\n",
            "sparkConf.spark.s3.key",
            "the vault: secret reference needs a path"),
        Arguments.of(
            "sparkConf:\n  spark.db.password: k8s:db\n",
            "sparkConf.spark.db.password",
            "the k8s: secret reference needs a key, as in k8s:my-secret#password"),
        Arguments.of(
            "sparkConf:\n  spark.db.password: 'k8s:Db_Secret#password'\n",
            "sparkConf.spark.db.password",
            "needs a Secret's name"),
        Arguments.of(
            "sparkConf:\n  spark.db.password: 'k8s:db#pass word'\n",
            "sparkConf.spark.db.password",
            "needs a key of letters, digits"),
        Arguments.of(
            "sparkConf:\n  spark.token: 'env:'\n",
            "sparkConf.spark.token",
            "the env: secret reference needs an environment variable's name, as in env:MY_PASSWORD"),
        Arguments.of(
            "sparkConf:\n  spark.token: env:MY-TOKEN\n",
            "sparkConf.spark.token",
            "needs an environment variable name, as in env:MY_PASSWORD"),
        Arguments.of(
            "sparkConf:\n  spark.token: 'file:'\n",
            "sparkConf.spark.token",
            "the file: secret reference needs an absolute path, as in file:/run/secrets/password"),
        Arguments.of(
            "sparkConf:\n  spark.token: file:run/token\n",
            "sparkConf.spark.token",
            "needs an absolute path, as in file:/run/secrets/password"));
  }

  @ParameterizedTest
  @MethodSource("malformedSpecs")
  void isRefusedNamingTheFieldAndTheFix(String yaml, String field, String message) {
    assertThatThrownBy(() -> SpecReader.read(yaml, "app.yaml", SpecOverrides.none()))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(
                        p -> {
                          assertThat(p.field()).isEqualTo(field);
                          assertThat(p.message()).contains(message);
                        }))
        .hasMessageContaining("app.yaml");
  }

  @Test
  void aMalformedReferenceIsNamedByItsSettingNeverQuoted() {
    String yaml = "sparkConf:\n  spark.s3.key: 'vault:hunter2'\n";

    assertThatThrownBy(() -> SpecReader.read(yaml, "app.yaml", SpecOverrides.none()))
        .hasMessageContaining("sparkConf.spark.s3.key")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void invalidYamlIsPlacedByLineAndColumnWithoutQuotingTheLine() {
    String yaml = "sparkConf:\n  spark.password: hunter2: x\n";

    assertThatThrownBy(() -> SpecReader.read(yaml, "app.yaml", SpecOverrides.none()))
        .hasMessageContaining(
            "(document): is not valid YAML at line 2: mapping values are not allowed here"
                + " (column 26)")
        .hasMessageNotContaining("hunter2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "file:///tmp/spark-events",
        "file:/tmp/spark-events",
        "vault:secret/data/my-app#s3SecretKey",
        "k8s:my-secret#password",
        "env:S3_SECRET",
        "s3a://bucket/events",
        "https://host/x#y"
      })
  void wellFormedReferencesAndOrdinaryUrisPass(String value) {
    ClusterSpec spec =
        SpecReader.read(
            "sparkConf:\n  spark.x: '" + value + "'\n", "app.yaml", SpecOverrides.none());

    assertThat(spec.sparkConf()).containsEntry("spark.x", value);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "\n\n", "   \n", "# name: shop\n# workers: {max: 2}\n", "---\n", "~\n"})
  void anEmptySpecIsRefused(String yaml) {
    assertThatThrownBy(() -> SpecReader.read(yaml, "app.yaml", SpecOverrides.none()))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new SpecProblem(
                            "(file)",
                            "is empty (no field, only blanks or comments): write at least"
                                + " `name: my-app`, or leave out -f for the defaults")))
        .hasMessageStartingWith("invalid cluster spec (app.yaml)");
  }

  @Test
  void aSpecLargerThanTheLimitIsRefusedAsTooLargeNotAsBadYaml() {
    String yaml = "name: shop\n" + "# padding\n".repeat(SpecText.MAX_BYTES / 10);

    assertThatThrownBy(() -> SpecReader.read(yaml, "app.yaml", SpecOverrides.none()))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(
            "(file): is too large: a spec may have at most 1048576 bytes (1 MiB)");
  }
}
