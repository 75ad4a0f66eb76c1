package io.appspark.launcher.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfSecretsResolverTest {
  private static final String VALUE = "s3cr3t=with:odd#chars";

  private final SecretResolver resolver =
      SecretResolver.fromEnvironment(Map.of("S3_KEY", VALUE), Optional.empty());

  @Test
  void theFileKeepsThePlainSettingsAndTheOutputGetsTheResolvedOnes(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("spark-defaults.conf");
    Files.writeString(
        file,
        "# from the cluster's ConfigMap\n"
            + "spark.executor.cores=1\n"
            + "spark.hadoop.fs.s3a.secret.key   env:S3_KEY\n"
            + "spark.app.storeKey=env:S3_KEY  \n"
            + "spark.eventLog.dir=file:/opt/spark/events\n");
    Path mounted = dir.resolve("mounted.conf");
    Files.writeString(
        mounted, "spark.hadoop.fs.s3a.secret.key=env:S3_KEY\nspark.app.storeKey=env:S3_KEY\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    StringWriter out = new StringWriter();

    ConfSecretsResolver.resolveInPlace(file, mounted, resolver, out);

    Properties handedOver = new Properties();
    handedOver.load(new StringReader(out.toString()));
    assertThat(handedOver)
        .containsOnly(
            Map.entry("spark.hadoop.fs.s3a.secret.key", VALUE),
            Map.entry("spark.app.storeKey", VALUE));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String kept = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(kept).doesNotContain("s3cr3t").doesNotContain("env:S3_KEY");
    Map<String, String> keptConf = ConfSecretsResolver.read(file);
    assertThat(keptConf).containsEntry("spark.executor.cores", "1");
    // the image's own setting that only looks like a reference stays as it is
    assertThat(keptConf).containsEntry("spark.eventLog.dir", "file:/opt/spark/events");
    assertThat(keptConf).doesNotContainKeys("spark.hadoop.fs.s3a.secret.key", "spark.app.storeKey");
    // a key whose name does not look secret is redacted by name
    assertThat(Pattern.compile(keptConf.get(SecretRedaction.KEY)).matcher("spark.app.storeKey"))
        .matches(m -> m.find(), "finds the key");
  }

  @Test
  void aFileWithoutReferencesIsLeftAloneAndNothingIsHandedOver(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("spark-defaults.conf");
    String text = "spark.executor.cores=1\nspark.eventLog.dir=file:/opt/spark/events\n# stays\n";
    Files.writeString(file, text);
    Path mounted = dir.resolve("mounted.conf");
    Files.writeString(mounted, "spark.executor.cores=1\n");
    StringWriter out = new StringWriter();

    ConfSecretsResolver.resolveInPlace(file, mounted, resolver, out);

    assertThat(out.toString()).isEmpty();
    assertThat(Files.readString(file)).isEqualTo(text);
  }

  @Test
  void anUnreadableReferenceNamesItselfAndLeavesTheFileAsItWas(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("spark-defaults.conf");
    String text = "spark.hadoop.fs.s3a.access.key=vault:secret/data/app#s3AccessKey\n";
    Files.writeString(file, text);
    StringWriter out = new StringWriter();

    assertThatThrownBy(() -> ConfSecretsResolver.resolveInPlace(file, file, resolver, out))
        .isInstanceOf(SecretException.class)
        .hasMessageContaining("vault:secret/data/app#s3AccessKey")
        .hasMessageContaining("VAULT_ADDR");
    assertThat(out.toString()).isEmpty();
    assertThat(Files.readString(file)).isEqualTo(text);
  }
}
