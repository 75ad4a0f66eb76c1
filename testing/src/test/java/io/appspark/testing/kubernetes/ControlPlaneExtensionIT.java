package io.appspark.testing.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableControlPlane
class ControlPlaneExtensionIT {

  @Test
  void aTestClassGetsARealApiServerWithReadyFakeNodesAndItsOwnNamespace(
      KubernetesClient client, TestNamespace namespace, ControlPlane plane) {
    assertThat(client.nodes().list().getItems())
        .hasSizeGreaterThanOrEqualTo(1)
        .allSatisfy(
            (Node n) ->
                assertThat(n.getStatus().getConditions())
                    .anySatisfy(
                        c -> assertThat(c.getType() + c.getStatus()).isEqualTo("ReadyTrue")));
    assertThat(client.namespaces().withName(namespace.name()).get()).isNotNull();
    assertThat(Files.isExecutable(plane.kubectl())).isTrue();

    client
        .configMaps()
        .inNamespace(namespace.name())
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("hello")
                .endMetadata()
                .withData(Map.of("k", "v"))
                .build())
        .create();
    assertThat(client.configMaps().inNamespace(namespace.name()).withName("hello").get().getData())
        .containsEntry("k", "v");
  }

  @Test
  void namespaceNamesAreDnsLabels() {
    assertThat(ControlPlaneExtension.namespaceName(ControlPlaneExtensionIT.class))
        .matches("it-control-plane-extension-it-[a-z0-9]{1,4}");
  }
}
