package io.appspark.launcher.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appspark.launcher.spec.InvalidSpecException.SpecProblem;
import io.appspark.launcher.spec.KubernetesSpec.VolumeSpec;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KubernetesSectionTest {

  @Test
  void withoutASectionWorkerPodsAreNotExtended() {
    KubernetesSpec k8s = SpecReader.defaults(SpecOverrides.none()).kubernetes();

    assertThat(k8s).isEqualTo(KubernetesSpec.defaults());
    assertThat(k8s.connect()).isFalse();
  }

  @Test
  void theSectionIsReadAsWritten() {
    String yaml =
        """
        kubernetes:
          connect: true
          worker:
            cpu: "2"
            memory: 3Gi
            nodeSelector: {disk: ssd}
            tolerations:
              - {key: spark, operator: Equal, value: "yes", effect: NoExecute, tolerationSeconds: 60}
              - {operator: Exists}
            env: {TZ: UTC}
            volumes:
              - {name: scratch, mountPath: /scratch, emptyDir: {}}
              - {name: data, mountPath: /data, persistentVolumeClaim: shop-data, readOnly: true}
        """;

    KubernetesSpec k8s = SpecReader.read(yaml, "shop.yaml", SpecOverrides.none()).kubernetes();

    assertThat(k8s.connect()).isTrue();
    assertThat(k8s.worker().cpu()).contains("2");
    assertThat(k8s.worker().memoryMib()).contains(3072);
    assertThat(k8s.worker().nodeSelector()).isEqualTo(Map.of("disk", "ssd"));
    assertThat(k8s.worker().tolerations()).hasSize(2);
    assertThat(k8s.worker().tolerations().get(0).tolerationSeconds()).contains(60L);
    assertThat(k8s.worker().env()).isEqualTo(Map.of("TZ", "UTC"));
    assertThat(k8s.worker().volumes())
        .containsExactly(
            new VolumeSpec(
                "scratch", "/scratch", VolumeSpec.Kind.EMPTY_DIR, Optional.empty(), false),
            new VolumeSpec(
                "data",
                "/data",
                VolumeSpec.Kind.PERSISTENT_VOLUME_CLAIM,
                Optional.of("shop-data"),
                true));
  }

  static Stream<Arguments> invalidSections() {
    return Stream.of(
        Arguments.of("kubernetes: 3", "kubernetes", "must be a mapping"),
        Arguments.of("kubernetes: {conect: true}", "kubernetes.conect", "allowed: connect, worker"),
        Arguments.of("kubernetes: {connect: yes please}", "kubernetes.connect", "true or false"),
        Arguments.of("kubernetes: {worker: {cpu: lots}}", "kubernetes.worker.cpu", "millicores"),
        Arguments.of("kubernetes: {worker: {memory: 3G}}", "kubernetes.worker.memory", "Mi or Gi"),
        Arguments.of(
            "workers: {memory: 4g}\nkubernetes: {worker: {memory: 2Gi}}",
            "kubernetes.worker.memory",
            "at least"),
        Arguments.of(
            "kubernetes: {worker: {nodeSelector: {disk: 'a b'}}}",
            "kubernetes.worker.nodeSelector.disk",
            "label value"),
        Arguments.of(
            "kubernetes: {worker: {env: {SPARK_WORKER_CORES: '9'}}}",
            "kubernetes.worker.env.SPARK_WORKER_CORES",
            "set by appspark"),
        Arguments.of(
            "kubernetes: {worker: {env: {'1X': a}}}", "kubernetes.worker.env.1X", "not a valid"),
        Arguments.of(
            "kubernetes: {worker: {tolerations: [{key: a, operator: Maybe}]}}",
            "kubernetes.worker.tolerations[0].operator",
            "Equal or Exists"),
        Arguments.of(
            "kubernetes: {worker: {tolerations: [{key: a, effect: Never}]}}",
            "kubernetes.worker.tolerations[0].effect",
            "NoSchedule"),
        Arguments.of(
            "kubernetes: {worker: {tolerations: [{value: a}]}}",
            "kubernetes.worker.tolerations[0].key",
            "required"),
        Arguments.of(
            "kubernetes: {worker: {volumes: [{name: tmp, mountPath: /x, emptyDir: {}}]}}",
            "kubernetes.worker.volumes[0].name",
            "used by appspark"),
        Arguments.of(
            "kubernetes: {worker: {volumes: [{name: a, mountPath: x, emptyDir: {}}]}}",
            "kubernetes.worker.volumes[0].mountPath",
            "absolute"),
        Arguments.of(
            "kubernetes: {worker: {volumes: [{name: a, mountPath: /x}]}}",
            "kubernetes.worker.volumes[0]",
            "exactly one of"),
        Arguments.of(
            "kubernetes: {worker: {volumes: [{name: a, mountPath: /x, secret: Bad_Name}]}}",
            "kubernetes.worker.volumes[0].secret",
            "DNS subdomain"),
        Arguments.of(
            "kubernetes: {worker: {volumes: {name: a}}}", "kubernetes.worker.volumes", "a list"));
  }

  @ParameterizedTest
  @MethodSource("invalidSections")
  void invalidSectionsAreRefusedNamingTheField(String yaml, String field, String message) {
    assertThatThrownBy(() -> SpecReader.read(yaml, "app.yaml", SpecOverrides.none()))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(
                        p -> {
                          assertThat(p.field()).isEqualTo(field);
                          assertThat(p.message()).contains(message);
                        })
                    .extracting(SpecProblem::field)
                    .contains(field));
  }
}
