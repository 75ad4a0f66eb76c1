package io.appspark.launcher;

/** A failure the user should read: a plain message and the exit code it maps to. */
public final class LauncherException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ExitCode exitCode;

  public LauncherException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
