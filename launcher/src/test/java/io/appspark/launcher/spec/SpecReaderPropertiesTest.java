package io.appspark.launcher.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Whatever it is given, the spec reader answers with a valid spec or with {@link
 * InvalidSpecException} whose problems name a field, the document or the file: never another
 * exception. Each case comes from a seed of {@link SpecGenerators}; a failure names its seed.
 */
class SpecReaderPropertiesTest {
  static final int CASES = 4000;
  static final String SOURCE = "generated.yaml";

  @Test
  void randomYamlishTextIsReadOrRefusedNamingAField() {
    for (long seed = 0; seed < CASES; seed++) {
      String text = new SpecGenerators(seed).yamlishText();
      readsOrRefusesClearly(() -> SpecReader.read(text, SOURCE, SpecOverrides.none()), seed, text);
    }
  }

  @Test
  void editedValidSpecsAreReadOrRefusedNamingAField() {
    for (long seed = 0; seed < CASES; seed++) {
      String text = new SpecGenerators(seed).mutatedSpec();
      readsOrRefusesClearly(() -> SpecReader.read(text, SOURCE, SpecOverrides.none()), seed, text);
    }
  }

  @Test
  void randomBytesAreReadOrRefusedNamingAFieldOrTheFile() {
    for (long seed = 0; seed < CASES; seed++) {
      byte[] bytes = new SpecGenerators(seed).bytes();
      readsOrRefusesClearly(
          () -> SpecReader.read(SpecText.decode(bytes, SOURCE), SOURCE, SpecOverrides.none()),
          seed,
          HexFormat.of().formatHex(bytes));
    }
  }

  @Test
  void theValidSpecsTheEditsStartFromAreValid() {
    for (String spec : SpecGenerators.VALID_SPECS) {
      assertThat(SpecReader.read(spec, SOURCE, SpecOverrides.none()).name()).isNotBlank();
    }
  }

  private static void readsOrRefusesClearly(Supplier<ClusterSpec> read, long seed, String input) {
    String what = "seed " + seed + ", input " + quoted(input);
    ClusterSpec spec;
    try {
      spec = read.get();
    } catch (InvalidSpecException e) {
      assertThat(e.getMessage()).as(what).startsWith("invalid cluster spec (" + SOURCE + "):");
      assertThat(e.problems()).as(what).isNotEmpty();
      assertThat(e.problems())
          .as(what)
          .allSatisfy(
              p -> {
                assertThat(p.field()).as(what).isNotBlank();
                assertThat(p.message()).as(what).isNotBlank();
              });
      return;
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("not an InvalidSpecException: " + what, e);
    }
    WorkerPool w = spec.workers();
    assertThat(w.min()).as(what).isBetween(0, w.initial());
    assertThat(w.initial()).as(what).isBetween(w.min(), w.max());
    assertThat(w.max()).as(what).isBetween(1, SpecReader.MAX_WORKERS);
  }

  private static String quoted(String input) {
    return "\"" + input.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + "\"";
  }
}
