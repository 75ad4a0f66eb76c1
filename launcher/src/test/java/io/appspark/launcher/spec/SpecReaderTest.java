package io.appspark.launcher.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appspark.launcher.spec.InvalidSpecException.SpecProblem;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecReaderTest {

  @Test
  void defaultsGiveASmallClusterOfTwoWorkers() {
    ClusterSpec spec = SpecReader.defaults(SpecOverrides.none());

    assertThat(spec.name()).isEqualTo("appspark");
    assertThat(spec.workers()).isEqualTo(new WorkerPool(1, 4, 2, 1, 1024));
    assertThat(spec.sparkConf()).isEmpty();
  }

  @Test
  void aFullSpecIsReadAsWritten() {
    String yaml =
        """
        name: shop
        workers:
          min: 0
          max: 6
          initial: 3
          cores: 2
          memory: 2g
        sparkConf:
          spark.sql.shuffle.partitions: 8
        """;

    ClusterSpec spec = SpecReader.read(yaml, "shop.yaml", SpecOverrides.none());

    assertThat(spec.name()).isEqualTo("shop");
    assertThat(spec.workers()).isEqualTo(new WorkerPool(0, 6, 3, 2, 2048));
    assertThat(spec.sparkConf()).containsEntry("spark.sql.shuffle.partitions", "8");
  }

  @Test
  void flagsWinOverTheFile() {
    ClusterSpec spec =
        SpecReader.read(
            "name: shop\nworkers: {initial: 1}\n",
            "shop.yaml",
            new SpecOverrides(Optional.of("other"), Optional.of(3)));

    assertThat(spec.name()).isEqualTo("other");
    assertThat(spec.workers().initial()).isEqualTo(3);
  }

  @Test
  void manyWorkersRaiseTheDefaultMaximumToMatch() {
    ClusterSpec spec = SpecReader.defaults(new SpecOverrides(Optional.empty(), Optional.of(7)));

    assertThat(spec.workers().max()).isEqualTo(7);
  }

  @Test
  void aClusterHasNoSparkConnectServerUnlessAsked() {
    assertThat(SpecReader.defaults(SpecOverrides.none()).connect().enabled()).isFalse();
    assertThat(
            SpecReader.read("connect: {enabled: false}", "app.yaml", SpecOverrides.none())
                .connect()
                .enabled())
        .isFalse();
  }

  @Test
  void theSpecOrTheConnectFlagStartsASparkConnectServer() {
    assertThat(
            SpecReader.read("connect: {enabled: true}", "app.yaml", SpecOverrides.none()).connect())
        .isEqualTo(new SparkConnect(true));
    assertThat(
            SpecReader.defaults(new SpecOverrides(Optional.empty(), Optional.empty(), true))
                .connect())
        .isEqualTo(new SparkConnect(true));
  }

  @Test
  void theConnectFlagDoesNotHideABadConnectField() {
    assertThatThrownBy(
            () ->
                SpecReader.read(
                    "connect: {enabled: 1}",
                    "app.yaml",
                    new SpecOverrides(Optional.empty(), Optional.empty(), true)))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .extracting(SpecProblem::field)
                    .containsExactly("connect.enabled"));
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of("name: My_App", "name", "DNS label"),
        Arguments.of("name: " + "a".repeat(41), "name", "at most 40"),
        Arguments.of("workers: {max: 0}", "workers.max", "from 1 to 64"),
        Arguments.of("workers: {max: 65}", "workers.max", "from 1 to 64"),
        Arguments.of("workers: {min: 3, max: 2}", "workers.min", "at most workers.max (2)"),
        Arguments.of(
            "workers: {initial: 9, max: 4}",
            "workers.initial",
            "between workers.min (1) and workers.max (4)"),
        Arguments.of("workers: {cores: 0}", "workers.cores", "from 1 to 64"),
        Arguments.of("workers: {cores: two}", "workers.cores", "whole number"),
        Arguments.of("workers: {memory: 100m}", "workers.memory", "from 512m to 256g"),
        Arguments.of("workers: {memory: lots}", "workers.memory", "like 512m or 2g"),
        Arguments.of(
            "workers: {colour: red}",
            "workers.colour",
            "allowed: cores, initial, max, memory, min"),
        Arguments.of("workers: 3", "workers", "must be a mapping"),
        Arguments.of(
            "size: big",
            "size",
            "allowed: autoscaler, connect, kubernetes, name, sparkConf, workers"),
        Arguments.of("connect: true", "connect", "must be a mapping with enabled"),
        Arguments.of("autoscaler: 5s", "autoscaler", "must be a mapping with idleTimeout"),
        Arguments.of("autoscaler: {idleTimeout: soon}", "autoscaler.idleTimeout", "such as 90s"),
        Arguments.of("autoscaler: {idleTimeout: 60}", "autoscaler.idleTimeout", "such as 90s"),
        Arguments.of(
            "autoscaler: {idleTimeout: 0s}", "autoscaler.idleTimeout", "between 1s and 1h"),
        Arguments.of(
            "autoscaler: {scaleDownCooldown: 2h}", "autoscaler.scaleDownCooldown", "and 1h"),
        Arguments.of("autoscaler: {idle: 5s}", "autoscaler.idle", "allowed: idleTimeout"),
        Arguments.of("connect: {enabled: yes please}", "connect.enabled", "true or false"),
        Arguments.of("connect: {enabled: \"true\"}", "connect.enabled", "true or false"),
        Arguments.of("connect: {port: 15002}", "connect.port", "allowed: enabled"),
        Arguments.of(
            "sparkConf: {shuffle.partitions: 8}",
            "sparkConf.shuffle.partitions",
            "start with 'spark.'"),
        Arguments.of("sparkConf: {spark.x: [1, 2]}", "sparkConf.spark.x", "single value"),
        Arguments.of("name: [oops", "(document)", "not valid YAML"),
        Arguments.of("- a list", "(document)", "must be a mapping"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("invalidSpecs")
  void anInvalidSpecNamesTheFieldAndTheFix(String yaml, String field, String fix) {
    assertThatThrownBy(() -> SpecReader.read(yaml, "app.yaml", SpecOverrides.none()))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(
                        p -> {
                          assertThat(p.field()).isEqualTo(field);
                          assertThat(p.message()).contains(fix);
                        }))
        .hasMessageContaining("app.yaml");
  }

  @Test
  void theAutoscalerRetiresIdleWorkersAfterAMinuteOneEveryTwoByDefault() {
    ClusterSpec spec = SpecReader.read("name: shop\n", "app.yaml", SpecOverrides.none());

    assertThat(spec.scaleDown())
        .isEqualTo(new ScaleDown(Duration.ofSeconds(60), Duration.ofSeconds(120)));
  }

  @Test
  void theSpecSetsHowTheAutoscalerShrinks() {
    ClusterSpec spec =
        SpecReader.read(
            "autoscaler: {idleTimeout: 1500ms, scaleDownCooldown: 0s}\n",
            "app.yaml",
            SpecOverrides.none());

    assertThat(spec.scaleDown()).isEqualTo(new ScaleDown(Duration.ofMillis(1500), Duration.ZERO));
    assertThat(ScaleDown.setting(spec.scaleDown().idleTimeout())).isEqualTo("1500ms");
  }

  @Test
  void aBadWorkersFlagIsNamedAsTheFlag() {
    assertThatThrownBy(
            () -> SpecReader.defaults(new SpecOverrides(Optional.empty(), Optional.of(99))))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .extracting(SpecProblem::field)
                    .containsExactly("--workers"));
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThatThrownBy(
            () ->
                SpecReader.read(
                    "name: X\nworkers: {cores: 0, memory: 1}\n", "app.yaml", SpecOverrides.none()))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .extracting(SpecProblem::field)
                    .containsExactlyInAnyOrder("name", "workers.cores", "workers.memory"));
  }
}
