package io.appspark.autoscaler.backend;

/** The backend or the master cannot be read or does not accept a request right now. */
public final class BackendUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
