package io.appspark.launcher.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SecretRedactionTest {
  @Test
  void keysHoldingReferencesAreCoveredBySparksRedactionPattern() {
    Map<String, String> conf =
        SecretRedaction.withRedaction(
            Map.of(
                "spark.hadoop.fs.s3a.secret.key", "vault:secret/data/app#s3SecretKey",
                "spark.app.dbUrl", "vault:secret/data/app#jdbc",
                "spark.sql.shuffle.partitions", "8"));

    Pattern pattern = Pattern.compile(conf.get("spark.redaction.regex"));
    assertThat(pattern.matcher("spark.hadoop.fs.s3a.secret.key").find()).isTrue();
    assertThat(pattern.matcher("fs.s3a.secret.key").find()).isTrue();
    assertThat(pattern.matcher("spark.app.dbUrl").find()).isTrue();
    assertThat(pattern.matcher("spark.hadoop.fs.s3a.access.key").find()).isTrue();
    assertThat(pattern.matcher("spark.sql.shuffle.partitions").find()).isFalse();
  }

  @Test
  void withoutReferencesSparksDefaultStays() {
    Map<String, String> conf = Map.of("spark.sql.shuffle.partitions", "8");

    assertThat(SecretRedaction.withRedaction(conf)).isSameAs(conf);
  }

  @Test
  void aPatternTheSpecSetIsExtendedNotReplaced() {
    Map<String, String> conf =
        SecretRedaction.withRedaction(
            Map.of("spark.redaction.regex", "(?i)mine", "spark.app.db", "env:DB"));

    assertThat(conf.get("spark.redaction.regex")).isEqualTo("(?i)mine|\\Qspark.app.db\\E");
  }
}
