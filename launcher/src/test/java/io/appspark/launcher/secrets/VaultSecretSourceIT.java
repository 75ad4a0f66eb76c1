package io.appspark.launcher.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.appspark.launcher.secrets.SecretException.Reason;
import io.appspark.testing.vault.EnableVault;
import io.appspark.testing.vault.VaultServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Reads and logins against a real Vault server over TLS with its own CA. */
@EnableVault
class VaultSecretSourceIT {
  private final VaultServer vault;
  private final String app = "app-" + UUID.randomUUID();
  private final String s3Secret = "S3-" + UUID.randomUUID();

  VaultSecretSourceIT(VaultServer vault) {
    this.vault = vault;
    vault.putKv2("secret", app, Map.of("s3SecretKey", s3Secret, "s3AccessKey", "AKIA-" + app));
    vault.mount("kv1", "kv", Map.of("version", "1"));
    vault.write("kv1/" + app, Map.of("password", "v1-" + s3Secret));
    vault.policy(
        "read-" + app,
        "path \"secret/data/"
            + app
            + "\" { capabilities = [\"read\"] }\n"
            + "path \"kv1/"
            + app
            + "\" { capabilities = [\"read\"] }\n");
  }

  @Test
  void readsAKvV2SecretWithAToken() {
    SecretSource source = source(new VaultLogin.Token(appToken()));

    assertThat(read(source, "vault:secret/data/" + app + "#s3SecretKey")).isEqualTo(s3Secret);
    assertThat(read(source, "vault:secret/data/" + app + "#s3AccessKey")).isEqualTo("AKIA-" + app);
  }

  @Test
  void readsAKvV1Secret() {
    SecretSource source = source(new VaultLogin.Token(appToken()));

    assertThat(read(source, "vault:kv1/" + app + "#password")).isEqualTo("v1-" + s3Secret);
  }

  @Test
  void logsInWithAppRole() {
    vault.enableAuth("approle", "approle");
    vault.write(
        "auth/approle/role/" + app,
        Map.of("token_policies", "read-" + app, "token_ttl", "10m", "secret_id_ttl", "10m"));
    String roleId = vault.readField("auth/approle/role/" + app + "/role-id", "role_id");
    String secretId = newSecretId();

    SecretSource source = source(new VaultLogin.AppRole("approle", roleId, secretId));

    assertThat(read(source, "vault:secret/data/" + app + "#s3SecretKey")).isEqualTo(s3Secret);
  }

  @Test
  void aWrongAppRoleSecretIdIsALoginFailureNamingTheMethodNotTheId() {
    vault.enableAuth("approle", "approle");
    vault.write("auth/approle/role/" + app, Map.of("token_policies", "read-" + app));
    String roleId = vault.readField("auth/approle/role/" + app + "/role-id", "role_id");
    String wrong = "wrong-" + UUID.randomUUID();

    SecretException e =
        failure(
            source(new VaultLogin.AppRole("approle", roleId, wrong)),
            "vault:secret/data/" + app + "#s3SecretKey");

    assertThat(e.reason()).isEqualTo(Reason.LOGIN_FAILED);
    assertThat(e.getMessage()).contains("AppRole login at auth/approle").doesNotContain(wrong);
  }

  @Test
  void aPathThePolicyDoesNotCoverIsPermissionDenied() {
    vault.putKv2("secret", "other-" + app, Map.of("k", s3Secret));

    SecretException e =
        failure(source(new VaultLogin.Token(appToken())), "vault:secret/data/other-" + app + "#k");

    assertThat(e.reason()).isEqualTo(Reason.PERMISSION_DENIED);
    assertThat(e)
        .hasMessage("secret vault:secret/data/other-" + app + "#k: permission denied (HTTP 403)");
  }

  @Test
  void aPathWithNoSecretIsMissing() {
    SecretException e =
        failure(
            source(new VaultLogin.Token(vault.rootToken())),
            "vault:secret/data/none-" + app + "#k");

    assertThat(e.reason()).isEqualTo(Reason.MISSING_PATH);
    assertThat(e)
        .hasMessageStartingWith(
            "secret vault:secret/data/none-" + app + "#k: no secret at this path");
  }

  @Test
  void aKeyTheSecretLacksIsMissingAndItsNeighboursAreNotShown() {
    SecretException e =
        failure(source(new VaultLogin.Token(appToken())), "vault:secret/data/" + app + "#absent");

    assertThat(e.reason()).isEqualTo(Reason.MISSING_KEY);
    assertThat(e)
        .hasMessage("secret vault:secret/data/" + app + "#absent: the secret has no such key");
  }

  @Test
  void aRevokedTokenIsReportedAsExpired() {
    String token = appToken();
    vault.revoke(token);

    SecretException e =
        failure(source(new VaultLogin.Token(token)), "vault:secret/data/" + app + "#s3SecretKey");

    assertThat(e.reason()).isEqualTo(Reason.EXPIRED_TOKEN);
    assertThat(e)
        .hasMessage(
            "secret vault:secret/data/"
                + app
                + "#s3SecretKey: the login token has expired or was revoked (token login)");
  }

  @Test
  void aTokenRevokedAfterLoginIsReplacedByLoggingInAgainWithAppRole() {
    vault.enableAuth("approle", "approle");
    vault.write("auth/approle/role/" + app, Map.of("token_policies", "read-" + app));
    String roleId = vault.readField("auth/approle/role/" + app + "/role-id", "role_id");
    String secretId = newSecretId();
    VaultSecretSource source =
        (VaultSecretSource) source(new VaultLogin.AppRole("approle", roleId, secretId));
    assertThat(read(source, "vault:kv1/" + app + "#password")).isEqualTo("v1-" + s3Secret);
    vault.write("sys/leases/revoke-prefix/auth/approle/login", Map.of());

    assertThat(read(source, "vault:secret/data/" + app + "#s3SecretKey")).isEqualTo(s3Secret);
  }

  @Test
  void vaultAtAnAddressWhereNothingListensIsUnreachable() {
    VaultSettings settings =
        new VaultSettings(
            "https://127.0.0.1:1",
            new VaultLogin.Token(appToken()),
            Optional.of(vault.caCertificate()),
            2,
            java.time.Duration.ofMillis(10),
            java.time.Duration.ofSeconds(5));

    SecretException e =
        failure(new VaultSecretSource(settings), "vault:secret/data/" + app + "#s3SecretKey");

    assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
    assertThat(e).hasMessageContaining("Vault at https://127.0.0.1:1 did not answer 2 times");
  }

  @Test
  void theResolverReadsVaultFromTheEnvironmentVariables() {
    SecretResolver resolver =
        SecretResolver.fromEnvironment(
            Map.of(
                "VAULT_ADDR", vault.address(),
                "VAULT_TOKEN", appToken(),
                "VAULT_CACERT", vault.caCertificate().toString()),
            Optional.empty());

    assertThat(
            resolver
                .resolveAll(
                    Map.of(
                        "spark.hadoop.fs.s3a.secret.key",
                        "vault:secret/data/" + app + "#s3SecretKey"))
                .values())
        .containsEntry("spark.hadoop.fs.s3a.secret.key", s3Secret);
  }

  private String newSecretId() {
    try {
      return vault
          .admin()
          .logical()
          .write("auth/approle/role/" + app + "/secret-id", Map.of())
          .getDataObject()
          .get("secret_id")
          .asString();
    } catch (io.github.jopenlibs.vault.VaultException e) {
      throw new IllegalStateException("cannot make a secret id", e);
    }
  }

  private String appToken() {
    return vault.token(List.of("read-" + app), "10m");
  }

  private SecretSource source(VaultLogin login) {
    return new VaultSecretSource(
        VaultSettings.of(vault.address(), login, Optional.of(vault.caCertificate())));
  }

  private static String read(SecretSource source, String reference) {
    return source.read(SecretReference.parse(reference));
  }

  private SecretException failure(SecretSource source, String reference) {
    SecretException e = catchThrowableOfType(SecretException.class, () -> read(source, reference));
    assertThat(e).as("a failure reading " + reference).isNotNull();
    assertThat(e.getMessage()).startsWith("secret " + reference + ": ").doesNotContain(s3Secret);
    assertThat(e).hasNoCause();
    return e;
  }
}
