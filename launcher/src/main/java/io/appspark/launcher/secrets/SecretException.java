package io.appspark.launcher.secrets;

/**
 * A secret could not be read. The message names the reference and what went wrong, never a value;
 * no cause is kept, since a client library's exception may quote a response body.
 */
public final class SecretException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, with the advice the message gives. */
  public enum Reason {
    UNREACHABLE("the secret store is unreachable"),
    PERMISSION_DENIED("permission denied"),
    MISSING_PATH("no secret at this path"),
    MISSING_KEY("the secret has no such key"),
    EXPIRED_TOKEN("the login token has expired or was revoked"),
    LOGIN_FAILED("login failed"),
    REFUSED("the secret store refused the request"),
    NOT_CONFIGURED("no source is configured for this kind of reference");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  private final transient SecretReference reference;
  private final Reason reason;

  public SecretException(SecretReference reference, Reason reason, String detail) {
    super(
        "secret "
            + reference
            + ": "
            + reason.text()
            + (detail == null || detail.isBlank() ? "" : " (" + detail + ")"));
    this.reference = reference;
    this.reason = reason;
  }

  public SecretReference reference() {
    return reference;
  }

  public Reason reason() {
    return reason;
  }
}
