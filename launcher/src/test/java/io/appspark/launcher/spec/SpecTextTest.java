package io.appspark.launcher.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecTextTest {
  @TempDir Path dir;

  @Test
  void utf8TextIsReadAsWritten() throws IOException {
    Path file = Files.writeString(dir.resolve("app.yaml"), "name: café\n", StandardCharsets.UTF_8);

    assertThat(SpecText.read(file)).isEqualTo("name: café\n");
  }

  @Test
  void latin1TextIsRefusedSayingWhereItIsNotUtf8() throws IOException {
    Path file = dir.resolve("app.yaml");
    Files.writeString(file, "name: shop\n# café\n", StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> SpecText.read(file))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessage(
            "invalid cluster spec ("
                + file
                + "):\n  - (file): is not UTF-8: the byte at offset 16 (line 2) is not valid"
                + " UTF-8; save the file as UTF-8");
  }

  @Test
  void utf16TextIsRefusedAsUtf16() {
    byte[] utf16 = "\uFEFFname: shop\n".getBytes(StandardCharsets.UTF_16LE);

    assertThatThrownBy(() -> SpecText.decode(utf16, "app.yaml"))
        .hasMessageContaining("(file): is UTF-16, not UTF-8: save it as UTF-8");
  }

  @Test
  void aTenMibFileIsRefusedAsTooLargeStatingTheLimit() throws IOException {
    Path file = Files.write(dir.resolve("big.yaml"), new byte[10 * 1024 * 1024]);

    assertThatThrownBy(() -> SpecText.read(file))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(
            "(file): is too large: a spec may have at most 1048576 bytes (1 MiB)");
  }

  @Test
  void aFileOfExactlyTheLimitIsRead() throws IOException {
    byte[] content = new byte[SpecText.MAX_BYTES];
    java.util.Arrays.fill(content, (byte) '\n');

    assertThat(SpecText.decode(content, "app.yaml")).hasSize(SpecText.MAX_BYTES);
  }

  @Test
  void aMissingFileIsAnIoErrorForTheCallerToName() {
    assertThatThrownBy(() -> SpecText.read(dir.resolve("missing.yaml")))
        .isInstanceOf(NoSuchFileException.class);
  }
}
