package io.appspark.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Looks for planted secret values where they must never be: texts a test collected (CLI output,
 * {@code render} output) and every file a cluster wrote (logs, executors' work directories, state
 * and conf files), read as bytes so binary files are searched too.
 */
final class SecretScan {
  private final Map<String, String> places = new LinkedHashMap<>();

  /** Adds a text, named {@code place} in a failure. */
  SecretScan text(String place, String text) {
    places.put(place, text);
    return this;
  }

  /** Adds every regular file under {@code dir}; there must be a log among them. */
  SecretScan filesUnder(Path dir) {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(files).as("logs under " + dir).anyMatch(p -> p.toString().endsWith(".log"));
    for (Path file : files) {
      try {
        places.put(
            file.toString(), new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return this;
  }

  /** Fails naming the place when any of {@code secrets} appears in any place added. */
  void assertNoneOf(Collection<String> secrets) {
    places.forEach(
        (place, text) -> {
          for (String secret : secrets) {
            assertThat(text).as("a secret value in " + place).doesNotContain(secret);
          }
        });
  }
}
