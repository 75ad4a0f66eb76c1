package io.appspark.autoscaler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigParserTest {
  static final Map<String, String> REQUIRED =
      Map.of(
          "APPSPARK_AUTOSCALER_CLUSTER_DIR", "/tmp/c",
          "APPSPARK_AUTOSCALER_PORT", "8090",
          "APPSPARK_AUTOSCALER_MAX_WORKERS", "4",
          "APPSPARK_AUTOSCALER_CORES_PER_WORKER", "2");

  @Test
  void readsTheEnvironmentWithDefaults() {
    AutoscalerConfig config = ConfigParser.parse(REQUIRED, List.of());

    assertThat(config.clusterDir()).isEqualTo(Path.of("/tmp/c"));
    assertThat(config.port()).isEqualTo(8090);
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.policy().maxWorkers()).isEqualTo(4);
    assertThat(config.policy().coresPerWorker()).isEqualTo(2);
    assertThat(config.policy().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void argumentsWinOverTheEnvironment() {
    AutoscalerConfig config =
        ConfigParser.parse(
            REQUIRED, List.of("--max-workers=6", "--idle-timeout=5s", "--poll-interval=2m"));

    assertThat(config.policy().maxWorkers()).isEqualTo(6);
    assertThat(config.policy().idleTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.pollInterval()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void namesEveryBadVariableAtOnce() {
    Map<String, String> env = new java.util.HashMap<>(REQUIRED);
    env.put("APPSPARK_AUTOSCALER_PORT", "http");
    env.put("APPSPARK_AUTOSCALER_IDLE_TIMEOUT", "soon");
    env.remove("APPSPARK_AUTOSCALER_MAX_WORKERS");

    assertThatThrownBy(() -> ConfigParser.parse(env, List.of("--bogus=1")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("APPSPARK_AUTOSCALER_PORT: must be a whole number; got 'http'")
        .hasMessageContaining("APPSPARK_AUTOSCALER_IDLE_TIMEOUT: must be a duration")
        .hasMessageContaining("APPSPARK_AUTOSCALER_MAX_WORKERS (or --max-workers): required")
        .hasMessageContaining("--bogus=1: unknown argument");
  }

  @Test
  void minAboveMaxIsRefused() {
    assertThatThrownBy(() -> ConfigParser.parse(REQUIRED, List.of("--min-workers=5")))
        .hasMessageContaining(
            "APPSPARK_AUTOSCALER_MIN_WORKERS: must be at most APPSPARK_AUTOSCALER_MAX_WORKERS (4); got 5");
  }

  @Test
  void onKubernetesTheClusterDirectoryIsNotNeededAndThePodsSettingsAre() {
    Map<String, String> env = new java.util.HashMap<>(REQUIRED);
    env.remove("APPSPARK_AUTOSCALER_CLUSTER_DIR");
    env.put("APPSPARK_AUTOSCALER_BACKEND", "kubernetes");
    env.put("APPSPARK_AUTOSCALER_CLUSTER", "shop");
    env.put("APPSPARK_AUTOSCALER_NAMESPACE", "team-a");
    env.put("APPSPARK_AUTOSCALER_POD_NAME", "shop-autoscaler-x");
    env.put("APPSPARK_AUTOSCALER_OWNER", "shop");
    env.put("APPSPARK_AUTOSCALER_IMAGE", "appspark/spark:1");

    KubernetesSettings k8s = ConfigParser.parse(env, List.of()).kubernetes().orElseThrow();

    assertThat(k8s.namespace()).isEqualTo("team-a");
    assertThat(k8s.podName()).isEqualTo("shop-autoscaler-x");
    assertThat(k8s.owner()).isEqualTo("shop");
    assertThat(k8s.image()).isEqualTo("appspark/spark:1");
    assertThat(k8s.specFile()).isEqualTo(Path.of("/etc/appspark/spec/appspark.yaml"));
    assertThat(k8s.masterUrl()).isEqualTo("http://shop-spark-master:8080");
    assertThat(k8s.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(k8s.pendingTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(ConfigParser.parse(REQUIRED, List.of()).kubernetes()).isEmpty();
  }

  @Test
  void onKubernetesEveryMissingPodSettingIsNamed() {
    assertThatThrownBy(() -> ConfigParser.parse(REQUIRED, List.of("--backend=kubernetes")))
        .hasMessageContaining("APPSPARK_AUTOSCALER_NAMESPACE (or --namespace): required")
        .hasMessageContaining("APPSPARK_AUTOSCALER_POD_NAME (or --pod-name): required")
        .hasMessageContaining("APPSPARK_AUTOSCALER_OWNER (or --owner): required")
        .hasMessageContaining("APPSPARK_AUTOSCALER_IMAGE (or --image): required");
    assertThatThrownBy(() -> ConfigParser.parse(REQUIRED, List.of("--backend=yarn")))
        .hasMessageContaining(
            "APPSPARK_AUTOSCALER_BACKEND: must be local or kubernetes; got 'yarn'");
  }

  @Test
  void aPendingTimeoutMustBeADurationAboveZero() {
    List<String> kubernetes =
        List.of(
            "--backend=kubernetes",
            "--namespace=team-a",
            "--pod-name=p",
            "--owner=shop",
            "--image=i");
    java.util.function.Function<String, AutoscalerConfig> parse =
        timeout ->
            ConfigParser.parse(
                Map.of(
                    "APPSPARK_AUTOSCALER_PORT", "8090",
                    "APPSPARK_AUTOSCALER_MAX_WORKERS", "4",
                    "APPSPARK_AUTOSCALER_CORES_PER_WORKER", "2",
                    "APPSPARK_AUTOSCALER_PENDING_TIMEOUT", timeout),
                kubernetes);

    assertThat(parse.apply("3m").kubernetes().orElseThrow().pendingTimeout())
        .isEqualTo(Duration.ofMinutes(3));
    assertThatThrownBy(() -> parse.apply("soon"))
        .hasMessageContaining(
            "APPSPARK_AUTOSCALER_PENDING_TIMEOUT: must be a duration like 250ms, 30s, 2m or 1h;"
                + " got 'soon'");
    assertThatThrownBy(() -> parse.apply("0s"))
        .hasMessageContaining(
            "APPSPARK_AUTOSCALER_PENDING_TIMEOUT: must be more than 0 (a duration like 30s or 2m);"
                + " got '0s'");
  }
}
