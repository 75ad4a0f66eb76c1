package io.appspark.launcher.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaultSettingsTest {
  @Test
  void aTokenWinsOverOtherLogins() {
    VaultSettings settings =
        VaultSettings.fromEnvironment(
            Map.of(
                "VAULT_ADDR", "http://127.0.0.1:8200/", "VAULT_TOKEN", "t", "VAULT_ROLE_ID", "r"));

    assertThat(settings.address()).isEqualTo("http://127.0.0.1:8200");
    assertThat(settings.login()).isInstanceOf(VaultLogin.Token.class);
  }

  @Test
  void appRoleNeedsBothIds() {
    assertThatThrownBy(
            () ->
                VaultSettings.fromEnvironment(
                    Map.of("VAULT_ADDR", "http://v:8200", "VAULT_ROLE_ID", "r")))
        .hasMessage("an AppRole login needs both VAULT_ROLE_ID and VAULT_SECRET_ID");
  }

  @Test
  void kubernetesLoginUsesThePodsServiceAccountTokenByDefault() {
    VaultSettings settings =
        VaultSettings.fromEnvironment(
            Map.of("VAULT_ADDR", "https://v:8200", "APPSPARK_VAULT_K8S_ROLE", "my-app"));

    assertThat(settings.login())
        .isEqualTo(
            new VaultLogin.Kubernetes(
                "kubernetes",
                "my-app",
                Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token")));
  }

  @Test
  void withoutAnyLoginTheMessageListsTheChoices() {
    assertThatThrownBy(() -> VaultSettings.fromEnvironment(Map.of("VAULT_ADDR", "http://v:8200")))
        .hasMessageContaining("VAULT_TOKEN")
        .hasMessageContaining("VAULT_ROLE_ID and VAULT_SECRET_ID")
        .hasMessageContaining("APPSPARK_VAULT_K8S_ROLE");
  }

  @Test
  void anAddressWithoutSchemeIsRefusedNamingTheVariable() {
    assertThatThrownBy(
            () -> VaultSettings.fromEnvironment(Map.of("VAULT_ADDR", "v:8200", "VAULT_TOKEN", "t")))
        .hasMessageStartingWith("VAULT_ADDR must be an http:// or https:// URL");
  }

  @Test
  void kvVersionFollowsThePath() {
    assertThat(VaultSecretSource.isKvV2("secret/data/my-app")).isTrue();
    assertThat(VaultSecretSource.isKvV2("kv/my-app")).isFalse();
    assertThat(VaultSecretSource.isKvV2("kv/data")).isFalse();
  }
}
