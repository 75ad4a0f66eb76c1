package ${package}.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** One file per secret in a directory, named like the secret; surrounding blanks are dropped. */
public final class FileSecretSource implements SecretSource {
  private final Path directory;

  public FileSecretSource(Path directory) {
    this.directory = directory;
  }

  @Override
  public Optional<String> get(String name) {
    if (!name.matches("[a-z0-9][-a-z0-9.]*")) {
      throw new IllegalArgumentException("not a secret name: '" + name + "'");
    }
    Path file = directory.resolve(name);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      return value.isEmpty() ? Optional.empty() : Optional.of(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read secret " + name + " from " + directory, e);
    }
  }
}
