package io.appspark.client;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where local in-app clusters keep their state, one directory per cluster name: {@code
 * $APPSPARK_STATE_DIR}, else {@code $XDG_STATE_HOME/appspark}, else {@code
 * ~/.local/state/appspark}.
 */
public record StateDirectory(Path root) {
  public static final String ENV = "APPSPARK_STATE_DIR";

  public static StateDirectory from(Map<String, String> env, String userHome) {
    String explicit = env.get(ENV);
    if (explicit != null && !explicit.isBlank()) {
      return new StateDirectory(Path.of(explicit));
    }
    String xdg = env.get("XDG_STATE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return new StateDirectory(Path.of(xdg, "appspark"));
    }
    return new StateDirectory(Path.of(userHome, ".local", "state", "appspark"));
  }

  public static StateDirectory fromSystem() {
    return from(System.getenv(), System.getProperty("user.home"));
  }

  public Path clusters() {
    return root.resolve("clusters");
  }

  public Path cluster(String name) {
    return clusters().resolve(name);
  }

  public Path connectionFile(String name) {
    return cluster(name).resolve("connection.properties");
  }
}
