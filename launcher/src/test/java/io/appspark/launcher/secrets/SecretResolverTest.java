package io.appspark.launcher.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {
  @Test
  void referencesAreReplacedAndPlainValuesKept(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("db");
    Files.writeString(file, "file-secret\n");
    SecretResolver resolver =
        SecretResolver.fromEnvironment(Map.of("S3_KEY", "env-secret"), Optional.empty());
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.hadoop.fs.s3a.secret.key", "env:S3_KEY");
    conf.put("spark.app.db", "file:" + file);
    conf.put("spark.sql.shuffle.partitions", "8");

    SecretResolver.Resolved resolved = resolver.resolveAll(conf);

    assertThat(resolved.values())
        .containsExactly(
            Map.entry("spark.hadoop.fs.s3a.secret.key", "env-secret"),
            Map.entry("spark.app.db", "file-secret"),
            Map.entry("spark.sql.shuffle.partitions", "8"));
    assertThat(resolved.secretKeys())
        .containsExactly("spark.app.db", "spark.hadoop.fs.s3a.secret.key");
    assertThat(resolved.plain()).containsOnlyKeys("spark.sql.shuffle.partitions");
    assertThat(resolved.secrets()).containsOnlyKeys(resolved.secretKeys());
    assertThat(resolved.toString()).doesNotContain("env-secret", "file-secret");
  }

  @Test
  void vaultIsOnlyConfiguredWhenItsAddressIsSet() {
    SecretResolver resolver = SecretResolver.fromEnvironment(Map.of(), Optional.empty());

    assertThat(resolver.resolve("not-a-reference")).isEqualTo("not-a-reference");
  }
}
