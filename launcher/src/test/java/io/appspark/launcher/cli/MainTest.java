package io.appspark.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.appspark.client.StateDirectory;
import io.appspark.launcher.ExitCode;
import io.appspark.launcher.local.Installation;
import io.appspark.launcher.secrets.SecretResolver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine.Command;

/** The CLI in-process, on inputs it must answer without Spark, a cluster or Kubernetes. */
class MainTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Path state;
  private CliContext context;

  @BeforeEach
  void context() throws IOException {
    state = Files.createDirectories(dir.resolve("state"));
    context =
        new CliContext(
            new StateDirectory(state),
            Installation.inSourceTree(dir.resolve("no-home"), dir.resolve("no-java")),
            "appspark",
            SecretResolver.fromEnvironment(Map.of(), Optional.empty()),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  static Stream<String> commands() {
    return Arrays.stream(Main.class.getAnnotation(Command.class).subcommands())
        .map(c -> c.getAnnotation(Command.class).name());
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyCommandPrintsItsUsageForHelp(String command) {
    int exit = Main.run(context, command, "--help");

    assertThat(exit).as(err()).isZero();
    assertThat(out()).startsWith("Usage: appspark " + command).contains("-h, --help");
    assertThat(err()).isEmpty();
  }

  @Test
  void theTopCommandPrintsItsUsageForHelp() {
    assertThat(Main.run(context, "--help")).isZero();
    assertThat(out()).startsWith("Usage: appspark").contains("Exit codes:");
  }

  static Stream<List<String>> commandsThatReadASpec() {
    return Stream.of(
        List.of("up"),
        List.of("up", "--detach"),
        List.of("up", "--kubernetes", "--owner", "deployment/shop"),
        List.of("scale", "2", "--kubernetes", "--owner", "deployment/shop"),
        List.of("render", "-n", "apps", "--owner", "deployment/shop", "--owner-uid", "u-1"));
  }

  @ParameterizedTest
  @MethodSource("commandsThatReadASpec")
  void aSpecWithADuplicateKeyExitsTwoAndStartsNothing(List<String> command) throws IOException {
    Path spec = Files.writeString(dir.resolve("shop.yaml"), "name: shop\nname: other\n");

    int exit = Main.run(context, withSpec(command, spec));

    assertThat(exit).isEqualTo(ExitCode.USAGE.code());
    assertThat(err()).contains("invalid cluster spec (" + spec + ")", "name: is given twice");
    assertThat(out()).isEmpty();
    assertThat(state).isEmptyDirectory();
  }

  @ParameterizedTest
  @MethodSource("commandsThatReadASpec")
  void anEmptySpecExitsTwoAndStartsNothing(List<String> command) throws IOException {
    Path spec = Files.writeString(dir.resolve("shop.yaml"), "# name: shop\n");

    int exit = Main.run(context, withSpec(command, spec));

    assertThat(exit).isEqualTo(ExitCode.USAGE.code());
    assertThat(err()).contains("(file): is empty");
    assertThat(out()).isEmpty();
    assertThat(state).isEmptyDirectory();
  }

  @Test
  void aMalformedSecretReferenceExitsTwoNamingTheSettingNotTheText() throws IOException {
    Path spec =
        Files.writeString(
            dir.resolve("shop.yaml"), "name: shop\nsparkConf:\n  spark.s3.key: vault:s3cr3t\n");

    int exit = Main.run(context, "up", "-f", spec.toString());

    assertThat(exit).isEqualTo(ExitCode.USAGE.code());
    assertThat(err())
        .contains("sparkConf.spark.s3.key: the vault: secret reference needs a key")
        .doesNotContain("s3cr3t");
    assertThat(state).isEmptyDirectory();
  }

  @Test
  void aSpecThatIsNotUtf8ExitsTwoSayingWhere() throws IOException {
    Path spec =
        Files.write(
            dir.resolve("shop.yaml"),
            "name: shop\n# \u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

    int exit =
        Main.run(
            context,
            "render",
            "-n",
            "apps",
            "--owner",
            "deployment/shop",
            "--owner-uid",
            "u-1",
            "-f",
            spec.toString());

    assertThat(exit).isEqualTo(ExitCode.USAGE.code());
    assertThat(err()).contains("(file): is not UTF-8: the byte at offset 13 (line 2)");
    assertThat(out()).isEmpty();
  }

  @Test
  void renderPrintsTheObjectsOfAValidSpecWithoutACluster() throws IOException {
    Path spec = Files.writeString(dir.resolve("shop.yaml"), "name: shop\n");

    int exit =
        Main.run(
            context,
            "render",
            "-n",
            "apps",
            "--owner",
            "deployment/shop",
            "--owner-uid",
            "u-1",
            "-f",
            spec.toString());

    assertThat(exit).as(err()).isZero();
    assertThat(out()).contains("kind: \"ConfigMap\"", "name: \"shop-spec\"");
  }

  @Test
  void withoutASpecFileTheDefaultsApply() {
    int exit =
        Main.run(
            context,
            "render",
            "-n",
            "apps",
            "--name",
            "shop",
            "--owner",
            "deployment/shop",
            "--owner-uid",
            "u-1");

    assertThat(exit).as(err()).isZero();
    assertThat(out()).contains("kind: \"ConfigMap\"", "name: \"shop-spec\"");
  }

  private static String[] withSpec(List<String> command, Path spec) {
    return Stream.concat(command.stream(), Stream.of("-f", spec.toString())).toArray(String[]::new);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
