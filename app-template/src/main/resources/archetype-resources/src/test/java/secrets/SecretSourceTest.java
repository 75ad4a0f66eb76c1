package ${package}.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretSourceTest {
  @Test
  void aMountedFileWinsOverTheVariable(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("api-token"), "from-file\n");
    SecretSource secrets =
        SecretSource.fromEnvironment(
            Map.of("APP_SECRETS_DIR", dir.toString(), "APP_SECRET_API_TOKEN", "from-env"));

    assertThat(secrets.get("api-token")).contains("from-file");
  }

  @Test
  void theVariableServesWhatNoFileHolds(@TempDir Path dir) {
    SecretSource secrets =
        SecretSource.fromEnvironment(
            Map.of("APP_SECRETS_DIR", dir.toString(), "APP_SECRET_API_TOKEN", "from-env"));

    assertThat(secrets.get("api-token")).contains("from-env");
    assertThat(secrets.get("db-password")).isEmpty();
  }
}
