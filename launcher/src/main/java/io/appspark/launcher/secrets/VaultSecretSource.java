package io.appspark.launcher.secrets;

import io.appspark.launcher.secrets.SecretException.Reason;
import io.github.jopenlibs.vault.SslConfig;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.github.jopenlibs.vault.response.LookupResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vault:<api path>#<key>} references, read from Vault's KV engines over its HTTP API. A path
 * whose second segment is {@code data} ({@code secret/data/my-app}) is read as KV v2, any other as
 * KV v1.
 *
 * <p>It logs in on first use and keeps its token alive: a token close to its expiry is renewed, and
 * one that cannot be renewed (or was revoked) is replaced by logging in again when the login method
 * allows it. Secrets are kept in memory until their lease runs out, renewable leases are renewed.
 * Requests that find Vault unreachable or answering 5xx are retried with exponential backoff.
 */
public final class VaultSecretSource implements SecretSource {
  private static final Logger LOG = LoggerFactory.getLogger(VaultSecretSource.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final VaultSettings settings;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Map<String, CachedSecret> secrets = new HashMap<>();
  private Token token;

  /** Waits between attempts; a seam so tests of the retry loop need not wait. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  public VaultSecretSource(VaultSettings settings) {
    this(settings, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
  }

  public VaultSecretSource(VaultSettings settings, Clock clock, Sleeper sleeper) {
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  @Override
  public synchronized String read(SecretReference reference) {
    JsonObject data = secret(reference);
    String key = reference.key().orElseThrow();
    JsonValue value = data.get(key);
    if (value == null || value.isNull()) {
      throw new SecretException(reference, Reason.MISSING_KEY, null);
    }
    return value.isString() ? value.asString() : value.toString();
  }

  /**
   * Renews the token if it is in the last third of its lifetime (or logs in again if it cannot be
   * renewed), so a long-running process calls this from time to time; reads do it themselves.
   */
  public synchronized void renewTokenIfDue(SecretReference forErrors) {
    if (token == null) {
      token = logIn(forErrors);
    } else if (token.isDue(clock.instant())) {
      token = renewOrLogIn(forErrors);
    }
  }

  private JsonObject secret(SecretReference reference) {
    String path = reference.path();
    CachedSecret cached = secrets.get(path);
    Instant now = clock.instant();
    if (cached != null && !cached.isDue(now)) {
      return cached.data();
    }
    if (cached != null && cached.renewable() && renewLease(cached)) {
      secrets.put(path, cached.renewedAt(now));
      return cached.data();
    }
    CachedSecret fresh = fetch(reference);
    secrets.put(path, fresh);
    return fresh.data();
  }

  private CachedSecret fetch(SecretReference reference) {
    renewTokenIfDue(reference);
    try {
      return readOnce(reference);
    } catch (SecretException e) {
      if (e.reason() != Reason.EXPIRED_TOKEN || !settings.login().canLogInAgain()) {
        throw e;
      }
      LOG.info("Vault token no longer valid; logging in again ({})", settings.login().describe());
      token = logIn(reference);
      return readOnce(reference);
    }
  }

  private CachedSecret readOnce(SecretReference reference) {
    LogicalResponse response =
        withRetries(reference, "read", () -> vault(token.value()).logical().read(reference.path()));
    int status = response.getRestResponse().getStatus();
    if (status == 404) {
      throw new SecretException(reference, Reason.MISSING_PATH, null);
    }
    if (status != 200) {
      throw failure(reference, status, "read");
    }
    JsonObject data = response.getDataObject();
    if (isKvV2(reference.path())) {
      JsonValue inner = data == null ? null : data.get("data");
      if (inner == null || !inner.isObject()) {
        throw new SecretException(reference, Reason.MISSING_PATH, "deleted or never written");
      }
      data = inner.asObject();
    }
    if (data == null) {
      throw new SecretException(reference, Reason.MISSING_PATH, null);
    }
    long lease = Optional.ofNullable(response.getLeaseDuration()).orElse(0L);
    return new CachedSecret(
        data,
        response.getLeaseId(),
        Boolean.TRUE.equals(response.getRenewable()),
        lease <= 0 ? Instant.MAX : clock.instant().plusSeconds(lease),
        Duration.ofSeconds(lease));
  }

  static boolean isKvV2(String path) {
    String[] segments = path.split("/");
    return segments.length >= 3 && "data".equals(segments[1]);
  }

  private boolean renewLease(CachedSecret cached) {
    try {
      vault(token.value())
          .sys()
          .leases()
          .renew(cached.leaseId(), cached.leaseDuration().toSeconds());
      return true;
    } catch (VaultException e) {
      LOG.info(
          "Vault lease renewal refused (HTTP {}); reading the secret again", e.getHttpStatusCode());
      return false;
    }
  }

  private Token renewOrLogIn(SecretReference reference) {
    if (token.renewable()) {
      try {
        AuthResponse renewed = vault(token.value()).auth().renewSelf();
        LOG.info("Vault token renewed for {} s", renewed.getAuthLeaseDuration());
        return Token.of(token.value(), renewed, clock.instant());
      } catch (VaultException e) {
        LOG.info("Vault token renewal refused (HTTP {})", e.getHttpStatusCode());
      }
    }
    if (!settings.login().canLogInAgain()) {
      throw new SecretException(
          reference,
          Reason.EXPIRED_TOKEN,
          "the given token can no longer be renewed; give a new one");
    }
    return logIn(reference);
  }

  private Token logIn(SecretReference reference) {
    VaultLogin login = settings.login();
    if (login instanceof VaultLogin.Token given) {
      return lookUp(reference, given);
    }
    AuthResponse auth = withRetries(reference, login.describe(), () -> logInOnce(reference, login));
    int status = auth.getRestResponse().getStatus();
    if (status != 200 || auth.getAuthClientToken() == null) {
      throw new SecretException(
          reference, Reason.LOGIN_FAILED, login.describe() + ", HTTP " + status);
    }
    LOG.info(
        "logged in to Vault ({}), token for {} s", login.describe(), auth.getAuthLeaseDuration());
    return Token.of(auth.getAuthClientToken(), auth, clock.instant());
  }

  private AuthResponse logInOnce(SecretReference reference, VaultLogin login)
      throws VaultException {
    if (login instanceof VaultLogin.AppRole a) {
      return vault(null).auth().loginByAppRole(a.mount(), a.roleId(), a.secretId());
    }
    VaultLogin.Kubernetes k = (VaultLogin.Kubernetes) login;
    // This overload of the driver takes the mount's whole path under /v1 ("auth/<mount>"), unlike
    // loginByAppRole, which adds "auth/" itself.
    return vault(null).auth().loginByKubernetes(k.role(), jwt(reference, k), "auth/" + k.mount());
  }

  /** A given token: asks Vault what it is, so a dead one is reported as such at once. */
  private Token lookUp(SecretReference reference, VaultLogin.Token given) {
    try {
      LookupResponse self =
          withRetries(reference, "token lookup", () -> vault(given.token()).auth().lookupSelf());
      long ttl = self.getTTL();
      Instant renewAt =
          ttl <= 0 ? Instant.MAX : clock.instant().plusSeconds(Math.max(1, ttl * 2 / 3));
      return new Token(given.token(), self.isRenewable(), renewAt);
    } catch (SecretException e) {
      if (e.reason() == Reason.LOGIN_FAILED) {
        throw new SecretException(reference, Reason.EXPIRED_TOKEN, given.describe());
      }
      throw e;
    }
  }

  private static String jwt(SecretReference reference, VaultLogin.Kubernetes login) {
    try {
      return Files.readString(login.tokenFile(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new SecretException(
          reference,
          Reason.LOGIN_FAILED,
          login.describe() + ": cannot read the service-account token " + login.tokenFile());
    }
  }

  @FunctionalInterface
  private interface Call<T> {
    T call() throws VaultException;
  }

  /**
   * Runs a request, retrying on no answer or 5xx with doubling waits; other statuses are mapped to
   * a {@link SecretException} naming the reference (Vault's error text is not quoted).
   */
  private <T> T withRetries(SecretReference reference, String what, Call<T> call) {
    Duration backoff = settings.firstBackoff();
    for (int attempt = 1; ; attempt++) {
      int status;
      try {
        return call.call();
      } catch (VaultException e) {
        status = e.getHttpStatusCode();
      }
      boolean transientFailure = status == 0 || status >= 500;
      if (!transientFailure) {
        if (status == 404) {
          throw new SecretException(
              reference, what.equals("read") ? Reason.MISSING_PATH : Reason.LOGIN_FAILED, what);
        }
        throw failure(reference, status, what);
      }
      if (attempt >= settings.attempts()) {
        throw new SecretException(
            reference,
            Reason.UNREACHABLE,
            "Vault at "
                + settings.address()
                + (status == 0 ? " did not answer" : " answered HTTP " + status)
                + " "
                + attempt
                + " times");
      }
      LOG.info(
          "Vault at {} {}; attempt {} of {} in {} ms",
          settings.address(),
          status == 0 ? "did not answer" : "answered HTTP " + status,
          attempt + 1,
          settings.attempts(),
          backoff.toMillis());
      try {
        sleeper.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SecretException(reference, Reason.UNREACHABLE, "interrupted while retrying");
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  private SecretException failure(SecretReference reference, int status, String what) {
    if (!what.equals("read")) {
      return new SecretException(reference, Reason.LOGIN_FAILED, what + ", HTTP " + status);
    }
    if (status == 403 || status == 401) {
      return tokenStillValid()
          ? new SecretException(reference, Reason.PERMISSION_DENIED, "HTTP " + status)
          : new SecretException(reference, Reason.EXPIRED_TOKEN, settings.login().describe());
    }
    return new SecretException(reference, Reason.REFUSED, "HTTP " + status);
  }

  /** Vault answers 403 both for a path the policy denies and for a dead token; this tells which. */
  private boolean tokenStillValid() {
    try {
      vault(token.value()).auth().lookupSelf();
      return true;
    } catch (VaultException e) {
      return e.getHttpStatusCode() != 403 && e.getHttpStatusCode() != 401;
    }
  }

  private Vault vault(String tokenValue) throws VaultException {
    VaultConfig config =
        new VaultConfig()
            .address(settings.address())
            .engineVersion(1)
            .openTimeout((int) settings.timeout().toSeconds())
            .readTimeout((int) settings.timeout().toSeconds())
            .environmentLoader(
                new io.github.jopenlibs.vault.EnvironmentLoader() {
                  private static final long serialVersionUID = 1L;

                  @Override
                  public String loadVariable(String name) {
                    return null;
                  }
                });
    if (tokenValue != null) {
      config.token(tokenValue);
    }
    if (settings.caCertificate().isPresent()) {
      config.sslConfig(new SslConfig().pemFile(settings.caCertificate().get().toFile()).build());
    }
    return Vault.create(config.build(), 1);
  }

  /** A token and when it should be renewed: in the last third of its lifetime. */
  private record Token(String value, boolean renewable, Instant renewAt) {
    static Token given(String value) {
      return new Token(value, true, Instant.MAX);
    }

    static Token of(String value, AuthResponse auth, Instant now) {
      long ttl = auth.getAuthLeaseDuration();
      Instant renewAt = ttl <= 0 ? Instant.MAX : now.plusSeconds(Math.max(1, ttl * 2 / 3));
      return new Token(value, auth.isAuthRenewable(), renewAt);
    }

    boolean isDue(Instant now) {
      return !now.isBefore(renewAt);
    }

    @Override
    public String toString() {
      return "Token[redacted]";
    }
  }

  /** A secret's data, kept until its lease is two-thirds through. */
  private record CachedSecret(
      JsonObject data,
      String leaseId,
      boolean renewable,
      Instant expiresAt,
      Duration leaseDuration) {
    boolean isDue(Instant now) {
      if (expiresAt.equals(Instant.MAX)) {
        return false;
      }
      return !now.isBefore(expiresAt.minus(leaseDuration.dividedBy(3)));
    }

    CachedSecret renewedAt(Instant now) {
      return new CachedSecret(data, leaseId, renewable, now.plus(leaseDuration), leaseDuration);
    }

    @Override
    public String toString() {
      return "CachedSecret[redacted]";
    }
  }
}
