package io.appspark.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.testing.kubernetes.AppDeployments;
import io.appspark.testing.kubernetes.ControlPlane;
import io.appspark.testing.kubernetes.EnableControlPlane;
import io.appspark.testing.kubernetes.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./appspark} with {@code --kubernetes} and {@code render}, as its own process. */
@EnableControlPlane
class KubernetesCliIT {
  private final KubernetesClient client;
  private final String ns;
  private final ControlPlane plane;
  @TempDir Path dir;
  private Cli cli;

  KubernetesCliIT(KubernetesClient client, TestNamespace namespace, ControlPlane plane) {
    this.client = client;
    this.ns = namespace.name();
    this.plane = plane;
  }

  @BeforeEach
  void app() {
    cli = new Cli(dir, Map.of("KUBECONFIG", plane.kubeconfig().toString()));
    AppDeployments.ensure(client, ns, "web");
  }

  @Test
  void renderPrintsTheSameManifestsEveryTimeAndTheApiServerAcceptsThem()
      throws IOException, InterruptedException {
    Cli.Result first = cli.run("render", "--name", "web", "-n", ns, "--owner", "deployment/web");
    Cli.Result second = cli.run("render", "--name", "web", "-n", ns, "--owner", "deployment/web");

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out())
        .isEqualTo(second.out())
        .contains("kind: \"NetworkPolicy\"", "kind: \"Role\"", "kind: \"RoleBinding\"");
    assertThat(first.out()).doesNotContain("kind: \"Secret\"");
    Path manifests = dir.resolve("web.yaml");
    Files.writeString(manifests, first.out());
    Process kubectl =
        new ProcessBuilder(
                plane.kubectl().toString(),
                "--kubeconfig=" + plane.kubeconfig(),
                "apply",
                "--dry-run=server",
                "-f",
                manifests.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(kubectl.getInputStream().readAllBytes());
    assertThat(kubectl.waitFor()).as(output).isZero();
  }

  @Test
  void anInvalidSpecIsRefusedBeforeAnyApiCall() throws IOException {
    Path spec = dir.resolve("bad.yaml");
    Files.writeString(spec, "name: bad\nkubernetes: {worker: {cpu: lots}}\n");

    Cli.Result result =
        cli.run("up", "--kubernetes", "-n", ns, "--owner", "deployment/web", "-f", spec.toString());
    Cli.Result unreachable =
        new Cli(dir, Map.of("KUBECONFIG", dir.resolve("no-such-kubeconfig").toString()))
            .run(
                "up", "--kubernetes", "-n", ns, "--owner", "deployment/web", "-f", spec.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("kubernetes.worker.cpu");
    assertThat(unreachable.exitCode()).isEqualTo(2);
    assertThat(unreachable.err()).contains("kubernetes.worker.cpu");
    assertThat(client.apps().deployments().inNamespace(ns).list().getItems())
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("web");
    assertThat(client.pods().inNamespace(ns).withLabel("appspark.io/cluster").list().getItems())
        .isEmpty();
  }

  @Test
  void upStatusScaleAndDownWorkAgainstKubernetes() {
    String[] target = {"--kubernetes", "-n", ns, "--name", "web"};
    Cli.Result up = cli.run(concat(new String[] {"up", "--owner", "deployment/web"}, target));
    assertThat(up.exitCode()).as(up.err()).isZero();
    assertThat(up.out()).contains("master ready", "1 pod(s), 1 running");
    assertThat(client.secrets().inNamespace(ns).withName("web-spark-auth").get())
        .as("up creates the cluster's auth secret")
        .isNotNull();

    Cli.Result scale =
        cli.run(concat(new String[] {"scale", "3", "--owner", "deployment/web"}, target));
    assertThat(scale.exitCode()).as(scale.err()).isZero();

    Cli.Result status = cli.run(concat(new String[] {"status"}, target));
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.out()).contains("3 pod(s), 3 running");

    Cli.Result down = cli.run(concat(new String[] {"down"}, target));
    assertThat(down.exitCode()).as(down.err()).isZero();
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(ns)
                .withLabel("appspark.io/cluster")
                .list()
                .getItems())
        .isEmpty();
    assertThat(client.rbac().roles().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(client.secrets().inNamespace(ns).withName("web-spark-auth").get()).isNull();
    Cli.Result gone = cli.run(concat(new String[] {"status"}, target));
    assertThat(gone.exitCode()).isEqualTo(3);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
