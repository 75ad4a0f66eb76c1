package io.appspark.launcher.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appspark.launcher.secrets.SecretReference.Scheme;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretReferenceTest {
  @ParameterizedTest
  @CsvSource({
    "vault:secret/data/my-app#s3SecretKey, VAULT, secret/data/my-app, s3SecretKey",
    "vault:/kv/my-app/#password, VAULT, kv/my-app, password",
    "k8s:my-secret#password, KUBERNETES, my-secret, password",
    "env:S3_SECRET, ENV, S3_SECRET, ",
    "file:/run/secrets/s3, FILE, /run/secrets/s3, ",
    "file:/etc/app/secrets.properties#db.password, FILE, /etc/app/secrets.properties, db.password"
  })
  void parsesEachKindOfReference(String text, Scheme scheme, String path, String key) {
    SecretReference reference = SecretReference.parse(text);

    assertThat(reference.scheme()).isEqualTo(scheme);
    assertThat(reference.path()).isEqualTo(path);
    assertThat(reference.key()).isEqualTo(Optional.ofNullable(key));
  }

  @Test
  void printsAsWritten() {
    assertThat(SecretReference.parse("vault:secret/data/my-app#s3SecretKey"))
        .hasToString("vault:secret/data/my-app#s3SecretKey");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"plain-value", "s3a://bucket/path", "http://host", "", "VAULT:secret#x", ":x"})
  void ordinaryValuesAreNotReferences(String value) {
    assertThat(SecretReference.isReference(value)).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "vault:secret/data/my-app | needs a key, as in vault:secret/data/my-app#s3SecretKey",
        "k8s:my-secret | needs a key, as in k8s:my-secret#password",
        "env:NOT-A-NAME | needs an environment variable name",
        "file:relative/path | needs an absolute path",
        "vault:#key | needs a Vault path and a key, as in vault:secret/data/my-app#s3SecretKey",
        "vault:secret/data/x# | has an empty key after",
        "env: | needs an environment variable",
        "vault:/#key | needs a path, as in vault:secret/data/my-app#s3SecretKey",
        "k8s:My_Secret#password | needs a Secret",
        "k8s:my-secret#pass word | needs a key of letters, digits"
      })
  void malformedReferencesAreRefusedWithAnExample(String text, String message) {
    assertThatThrownBy(() -> SecretReference.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret reference " + text)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "vault:",
        "vault:hunter2",
        "vault:secret/data/x#",
        "k8s:hunter2",
        "env:",
        "env:hunter-2",
        "file:hunter2"
      })
  void aMalformedReferenceIsExplainedWithoutQuotingIt(String text) {
    assertThat(SecretReference.problem(text))
        .hasValueSatisfying(reason -> assertThat(reason).doesNotContain("hunter"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "vault:secret/data/my-app#s3SecretKey",
        "k8s:my-secret.v2#tls.key",
        "env:S3_SECRET",
        "file:/run/secrets/s3",
        "file:///tmp/spark-events"
      })
  void aWellFormedReferenceHasNoProblem(String text) {
    assertThat(SecretReference.problem(text)).isEmpty();
  }
}
