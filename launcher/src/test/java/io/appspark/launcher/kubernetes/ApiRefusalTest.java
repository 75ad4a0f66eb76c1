package io.appspark.launcher.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ApiRefusalTest {
  @Test
  void aRefusalGivesTheApisReasonAndTheRightThatIsEnough() {
    var e =
        new KubernetesClientException(
            new StatusBuilder()
                .withCode(403)
                .withMessage("secrets \"shop-spark-auth\" is forbidden: User \"dev\" cannot create")
                .build());

    assertThat(ApiRefusal.describe(e))
        .startsWith("the Kubernetes API refused (HTTP 403): secrets \"shop-spark-auth\"")
        .contains("--clusterrole=admin")
        .doesNotContain("Exception")
        .doesNotContain("\n");
  }

  @Test
  void anUnreachableApiSaysWhereTheAddressComesFrom() {
    var e =
        new KubernetesClientException(
            "Operation: [get]  for kind: [Deployment]", new ConnectException("Connection refused"));

    assertThat(ApiRefusal.describe(e))
        .isEqualTo(
            "cannot reach the Kubernetes API: Connection refused; check that KUBECONFIG"
                + " (or ~/.kube/config) points at a running cluster");
  }

  @Test
  void otherAnswersKeepTheirCodeAndReason() {
    assertThat(ApiRefusal.describe(422, "Deployment.apps \"x\" is invalid"))
        .isEqualTo("the Kubernetes API answered HTTP 422: Deployment.apps \"x\" is invalid");
  }
}
