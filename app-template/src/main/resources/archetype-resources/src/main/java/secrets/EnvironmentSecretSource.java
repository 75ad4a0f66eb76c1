package ${package}.secrets;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The secret {@code api-token} is the variable {@code APP_SECRET_API_TOKEN}. */
public final class EnvironmentSecretSource implements SecretSource {
  private final Map<String, String> env;

  public EnvironmentSecretSource(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public static String variable(String name) {
    return "APP_SECRET_" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  @Override
  public Optional<String> get(String name) {
    String value = env.get(variable(name));
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }
}
