package ${package}.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ${package}.AppConfig;
import io.appspark.launcher.secrets.SecretException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service's API token, given as a reference, read through appspark's secret sources. */
class AppSecretsTest {
  private static final String TOKEN = "s3cr3t-token-value";

  private static AppConfig config(Map<String, String> env) {
    return AppConfig.from(env, AppSecrets.resolver(env));
  }

  @Test
  void anEnvReferenceReadsTheVariableItNames() {
    AppConfig config = config(Map.of("API_TOKEN_REF", "env:MY_API_TOKEN", "MY_API_TOKEN", TOKEN));

    assertThat(config.apiToken()).contains(TOKEN);
  }

  @Test
  void aFileReferenceReadsAMountedSecretWithoutItsTrailingNewline(@TempDir Path dir)
      throws IOException {
    Path file = Files.writeString(dir.resolve("api-token"), TOKEN + "\n");

    AppConfig config = config(Map.of("API_TOKEN_REF", "file:" + file));

    assertThat(config.apiToken()).contains(TOKEN);
  }

  @Test
  void aFileReferenceWithAKeyReadsOneProperty(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("app.properties"), "api-token=" + TOKEN + "\n");

    AppConfig config = config(Map.of("API_TOKEN_REF", "file:" + file + "#api-token"));

    assertThat(config.apiToken()).contains(TOKEN);
  }

  @Test
  void noReferenceMeansNoToken() {
    assertThat(config(Map.of()).apiToken()).isEmpty();
    assertThat(config(Map.of("API_TOKEN_REF", " ")).apiToken()).isEmpty();
  }

  @Test
  void aMissingSecretFailsTheStartNamingTheVariableAndTheReference() {
    assertThatThrownBy(() -> config(Map.of("API_TOKEN_REF", "env:NOT_SET_ANYWHERE")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("API_TOKEN_REF: secret env:NOT_SET_ANYWHERE: ")
        .hasMessageContaining("no secret at this path")
        .cause()
        .isInstanceOfSatisfying(
            SecretException.class,
            e -> assertThat(e.reason()).isEqualTo(SecretException.Reason.MISSING_PATH));
  }

  @Test
  void aMissingFileNamesThePathNotAValue(@TempDir Path dir) {
    Path file = dir.resolve("absent");

    assertThatThrownBy(() -> config(Map.of("API_TOKEN_REF", "file:" + file)))
        .hasMessage(
            "API_TOKEN_REF: secret file:" + file + ": no secret at this path (no such file)");
  }

  @Test
  void aValueInPlaceOfAReferenceIsRefusedWithoutBeingShown() {
    assertThatThrownBy(() -> config(Map.of("API_TOKEN_REF", TOKEN)))
        .hasMessageStartingWith("API_TOKEN_REF: must be a secret reference")
        .message()
        .doesNotContain(TOKEN);
  }

  @Test
  void aVaultReferenceWithoutVaultSaysWhatToSet() {
    assertThatThrownBy(() -> config(Map.of("API_TOKEN_REF", "vault:secret/data/app#api-token")))
        .hasMessageStartingWith("API_TOKEN_REF: secret vault:secret/data/app#api-token: ")
        .hasMessageContaining("VAULT_ADDR");
  }

  @Test
  void aVaultAddressWithoutALoginNamesTheVariablesToSet() {
    assertThatThrownBy(
            () ->
                config(
                    Map.of(
                        "API_TOKEN_REF",
                        "vault:secret/data/app#api-token",
                        "VAULT_ADDR",
                        "http://127.0.0.1:1")))
        .hasMessageContaining("no Vault login")
        .hasMessageContaining("APPSPARK_VAULT_K8S_ROLE");
  }

  @Test
  void theConfigurationNeverShowsTheToken() {
    AppConfig config = config(Map.of("API_TOKEN_REF", "env:MY_API_TOKEN", "MY_API_TOKEN", TOKEN));

    assertThat(config.toString()).contains("apiToken=(redacted)").doesNotContain(TOKEN);
  }
}
