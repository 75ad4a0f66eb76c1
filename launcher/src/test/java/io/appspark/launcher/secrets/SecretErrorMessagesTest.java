package io.appspark.launcher.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.appspark.launcher.secrets.SecretException.Reason;
import io.appspark.launcher.secrets.SecretReference.Scheme;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every failure names the reference and the reason; none quotes a value. */
class SecretErrorMessagesTest {
  private static final String VALUE = "s3cr3t-V4LUE-never-shown";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "UNREACHABLE | secret vault:secret/data/app#key: the secret store is unreachable",
        "PERMISSION_DENIED | secret vault:secret/data/app#key: permission denied",
        "MISSING_PATH | secret vault:secret/data/app#key: no secret at this path",
        "MISSING_KEY | secret vault:secret/data/app#key: the secret has no such key",
        "EXPIRED_TOKEN | secret vault:secret/data/app#key: the login token has expired or was"
            + " revoked",
      })
  void eachReasonReadsPlainly(Reason reason, String message) {
    SecretException e =
        new SecretException(SecretReference.parse("vault:secret/data/app#key"), reason, null);

    assertThat(e).hasMessage(message).hasNoCause();
  }

  @Test
  void aMissingEnvironmentVariableIsNamed() {
    EnvFileSecretSource source = new EnvFileSecretSource(Map.of("OTHER", VALUE));

    SecretException e = failure(source, "env:S3_SECRET");

    assertThat(e.reason()).isEqualTo(Reason.MISSING_PATH);
    assertThat(e)
        .hasMessage(
            "secret env:S3_SECRET: no secret at this path (the environment variable is not set)");
  }

  @Test
  void aMissingKeyInAPropertiesFileIsNamedWithoutItsNeighbours(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("secrets.properties");
    Files.writeString(file, "db.password=" + VALUE + "\n");

    SecretException e = failure(new EnvFileSecretSource(Map.of()), "file:" + file + "#s3.key");

    assertThat(e.reason()).isEqualTo(Reason.MISSING_KEY);
    assertThat(e.getMessage()).contains("file:" + file + "#s3.key").doesNotContain(VALUE);
  }

  @Test
  void aMissingFileIsAMissingPath(@TempDir Path dir) {
    SecretException e = failure(new EnvFileSecretSource(Map.of()), "file:" + dir.resolve("absent"));

    assertThat(e.reason()).isEqualTo(Reason.MISSING_PATH);
    assertThat(e).hasMessageContaining("no such file");
  }

  @Test
  void vaultThatDoesNotAnswerIsUnreachableAfterTheRetriesWithGrowingWaits() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<Duration> waits = new ArrayList<>();
    VaultSettings settings =
        new VaultSettings(
            "http://127.0.0.1:" + port,
            new VaultLogin.Token(VALUE),
            Optional.empty(),
            3,
            Duration.ofMillis(100),
            Duration.ofSeconds(2));
    VaultSecretSource source = new VaultSecretSource(settings, Clock.systemUTC(), waits::add);

    SecretException e = failure(source, "vault:secret/data/my-app#s3SecretKey");

    assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
    assertThat(e)
        .hasMessage(
            "secret vault:secret/data/my-app#s3SecretKey: the secret store is unreachable (Vault at"
                + " http://127.0.0.1:"
                + port
                + " did not answer 3 times)");
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void aSchemeWithoutASourceSaysHowToConfigureOne() {
    SecretResolver resolver = SecretResolver.of(Map.of());

    SecretException e =
        catchThrowableOfType(
            SecretException.class, () -> resolver.resolve("vault:secret/data/app#key"));

    assertThat(e.reason()).isEqualTo(Reason.NOT_CONFIGURED);
    assertThat(e).hasMessageContaining("set VAULT_ADDR and a Vault login");
  }

  @Test
  void aVaultWithoutLoginIsReportedAtTheFirstVaultReference() {
    SecretResolver resolver =
        SecretResolver.fromEnvironment(
            Map.of("VAULT_ADDR", "http://127.0.0.1:1"), Optional.empty());

    SecretException e =
        catchThrowableOfType(
            SecretException.class, () -> resolver.resolve("vault:secret/data/app#key"));

    assertThat(e.reason()).isEqualTo(Reason.NOT_CONFIGURED);
    assertThat(e).hasMessageContaining("no Vault login: set VAULT_TOKEN");
  }

  @Test
  void theTokenNeverAppearsInTheSettingsPrintout() {
    assertThat(new VaultLogin.Token(VALUE).toString()).doesNotContain(VALUE);
    assertThat(new VaultLogin.AppRole("approle", "role", VALUE).toString()).doesNotContain(VALUE);
    assertThat(Scheme.VAULT.prefix()).isEqualTo("vault");
  }

  private static SecretException failure(SecretSource source, String reference) {
    SecretException e =
        catchThrowableOfType(
            SecretException.class, () -> source.read(SecretReference.parse(reference)));
    assertThat(e).as("a failure for " + reference).isNotNull();
    assertThat(e.getMessage()).startsWith("secret " + reference + ": ").doesNotContain(VALUE);
    return e;
  }
}
