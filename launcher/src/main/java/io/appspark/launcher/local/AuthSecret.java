package io.appspark.launcher.local;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A cluster's shared RPC secret ({@code spark.authenticate.secret}). Its {@link #toString()} shows
 * no value, so that it can never reach a log by accident.
 */
public record AuthSecret(String value) {
  /** 256 random bits, as Spark itself generates secrets. */
  static final int BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  public AuthSecret {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("an auth secret must not be empty");
    }
  }

  public static AuthSecret generate() {
    byte[] bytes = new byte[BYTES];
    RANDOM.nextBytes(bytes);
    return new AuthSecret(HexFormat.of().formatHex(bytes));
  }

  @Override
  public String toString() {
    return "AuthSecret[redacted]";
  }
}
