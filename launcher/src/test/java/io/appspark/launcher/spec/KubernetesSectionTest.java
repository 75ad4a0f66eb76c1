package io.appspark.launcher.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appspark.launcher.spec.InvalidSpecException.SpecProblem;
import io.appspark.launcher.spec.KubernetesSpec.ConnectPodSpec;
import io.appspark.launcher.spec.KubernetesSpec.VolumeSpec;
import java.util.List;
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
    assertThat(k8s.connect().enabled()).isFalse();
  }

  @Test
  void connectTrueStaysShortForAConnectServerWithTheDefaultPod() {
    KubernetesSpec k8s =
        SpecReader.read("kubernetes: {connect: true}", "shop.yaml", SpecOverrides.none())
            .kubernetes();

    assertThat(k8s.connect())
        .isEqualTo(
            new ConnectPodSpec(
                true, Optional.empty(), Optional.empty(), Map.of(), List.of(), Optional.empty()));
    assertThat(
            SpecReader.read("kubernetes: {connect: {enabled: true}}", "s", SpecOverrides.none())
                .kubernetes())
        .isEqualTo(k8s);
  }

  @Test
  void theConnectServersPodIsReadAsWritten() {
    String yaml =
        """
        kubernetes:
          connect:
            cpu: 250m
            memory: 1536Mi
            env: {VAULT_ADDR: "https://vault.example:8200", APPSPARK_VAULT_K8S_ROLE: shop}
            volumes:
              - {name: vault-ca, mountPath: /etc/vault-ca, configMap: vault-ca, readOnly: true}
            serviceAccount: shop-connect
        """;

    ConnectPodSpec connect =
        SpecReader.read(yaml, "shop.yaml", SpecOverrides.none()).kubernetes().connect();

    assertThat(connect.enabled())
        .as("the settings apply when something asks for the server; they do not ask")
        .isFalse();
    assertThat(connect.cpu()).contains("250m");
    assertThat(connect.memoryMib()).contains(1536);
    assertThat(connect.env())
        .isEqualTo(
            Map.of("VAULT_ADDR", "https://vault.example:8200", "APPSPARK_VAULT_K8S_ROLE", "shop"));
    assertThat(connect.volumes())
        .containsExactly(
            new VolumeSpec(
                "vault-ca",
                "/etc/vault-ca",
                VolumeSpec.Kind.CONFIG_MAP,
                Optional.of("vault-ca"),
                true));
    assertThat(connect.serviceAccount()).contains("shop-connect");
  }

  @Test
  void aVaultTokenInTheConnectServersEnvironmentIsRefusedWithoutRepeatingIt() {
    String yaml = "kubernetes: {connect: {env: {VAULT_TOKEN: hvs.not-for-the-spec}}}";

    assertThatThrownBy(() -> SpecReader.read(yaml, "app.yaml", SpecOverrides.none()))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .satisfies(
                        p -> {
                          assertThat(p.field()).isEqualTo("kubernetes.connect.env.VAULT_TOKEN");
                          assertThat(p.message())
                              .contains("secret in the spec", "serviceAccount")
                              .doesNotContain("hvs.not-for-the-spec");
                        }))
        .hasMessageNotContaining("hvs.not-for-the-spec");
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

    assertThat(k8s.connect().enabled()).isTrue();
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
        Arguments.of(
            "kubernetes: {connect: [cpu]}", "kubernetes.connect", "true or false, or a mapping"),
        Arguments.of(
            "kubernetes: {connect: {replicas: 2}}",
            "kubernetes.connect.replicas",
            "allowed: cpu, enabled, env, memory, serviceAccount, volumes"),
        Arguments.of(
            "kubernetes: {connect: {enabled: 'yes'}}",
            "kubernetes.connect.enabled",
            "true or false"),
        Arguments.of("kubernetes: {connect: {cpu: 1.5}}", "kubernetes.connect.cpu", "millicores"),
        Arguments.of(
            "kubernetes: {connect: {memory: 768Mi}}",
            "kubernetes.connect.memory",
            "from 1024Mi to 512Gi (the Connect server is a driver"),
        Arguments.of(
            "kubernetes: {connect: {memory: 2G}}", "kubernetes.connect.memory", "Mi or Gi"),
        Arguments.of(
            "kubernetes: {connect: {env: {SPARK_CONNECT_PORT: '1'}}}",
            "kubernetes.connect.env.SPARK_CONNECT_PORT",
            "set by appspark"),
        Arguments.of(
            "kubernetes: {connect: {env: {VAULT_SECRET_ID: x}}}",
            "kubernetes.connect.env.VAULT_SECRET_ID",
            "secret in the spec"),
        Arguments.of(
            "kubernetes: {connect: {volumes: [{name: work, mountPath: /w, emptyDir: {}}]}}",
            "kubernetes.connect.volumes[0].name",
            "used by appspark"),
        Arguments.of(
            "kubernetes: {connect: {serviceAccount: Shop_Connect}}",
            "kubernetes.connect.serviceAccount",
            "service account of the namespace"),
        Arguments.of(
            "name: shop\nkubernetes: {connect: {serviceAccount: shop-autoscaler}}",
            "kubernetes.connect.serviceAccount",
            "the autoscaler's"),
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
            "kubernetes: {worker: {env: {APPSPARK_VAULT_K8S_ROLE: a}}}",
            "kubernetes.worker.env.APPSPARK_VAULT_K8S_ROLE",
            "set by appspark"),
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
