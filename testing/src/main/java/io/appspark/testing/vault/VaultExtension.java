package io.appspark.testing.vault;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * See {@link EnableVault}. The server lives in the root context's store, so JUnit stops it when the
 * whole run ends.
 */
public final class VaultExtension implements ParameterResolver {
  /** Where {@code build.sh} is, when not found above the working directory. */
  public static final String SCRIPTS_PROPERTY = "appspark.vault.dir";

  private static final Namespace STORE = Namespace.create(VaultExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == VaultServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(STORE)
        .getOrComputeIfAbsent(
            VaultServer.class, key -> VaultServer.start(buildScript()), VaultServer.class);
  }

  static Path buildScript() {
    String given = System.getProperty(SCRIPTS_PROPERTY);
    if (given != null) {
      return Path.of(given).resolve("build.sh");
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("testing/vault/build.sh");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "testing/vault/build.sh not found above "
            + Path.of("").toAbsolutePath()
            + "; set -D"
            + SCRIPTS_PROPERTY);
  }
}
