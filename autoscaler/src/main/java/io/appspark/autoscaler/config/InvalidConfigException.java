package io.appspark.autoscaler.config;

import java.util.List;

/** The configuration is wrong; the message names every bad variable. */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigException(List<String> problems) {
    super("invalid autoscaler configuration:\n  " + String.join("\n  ", problems));
  }
}
