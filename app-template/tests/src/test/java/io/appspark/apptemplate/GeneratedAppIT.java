package io.appspark.apptemplate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A new app, start to prediction, by its README alone: generate it from the archetype, then run
 * every {@code bash} block of its README in order, in one shell. The blocks build and test the
 * project ({@code mvn verify}, including its own IT against a real local cluster), start the app's
 * cluster, run the service on it, ingest events, train, and predict.
 */
class GeneratedAppIT {
  static final String APP = "churn-scorer";
  static final Pattern PREDICTION =
      Pattern.compile("\\{\"label\":(\\d),\"probability\":([-0-9.E]+)}");
  static final Pattern BASH_BLOCK = Pattern.compile("(?ms)^```bash\\n(.*?)^```\\n");

  Path workDir;
  Path stateDir;
  Path shim;

  @AfterEach
  void stopWhatTheWalkthroughLeft() throws IOException {
    if (workDir == null) {
      return;
    }
    Path pid = workDir.resolve(APP).resolve("service.pid");
    String given = Files.exists(pid) ? Files.readString(pid).strip() : "";
    if (given.matches("\\d+")) {
      ProcessHandle.of(Long.parseLong(given)).ifPresent(ProcessHandle::destroy);
    }
    GeneratedProject.run(
        workDir,
        workDir.resolve("down.log"),
        Map.of("APPSPARK_STATE_DIR", stateDir.toString()),
        GeneratedProject.Duration.GENERATE,
        shim.toString(),
        "down",
        "--name",
        APP);
  }

  @Test
  void theReadmeTakesANewAppFromGeneratedToAPrediction() throws IOException {
    Path runs = Files.createDirectories(Path.of("target", "generated-apps").toAbsolutePath());
    workDir = Files.createTempDirectory(runs, "run");
    stateDir = Files.createDirectories(workDir.resolve("state"));
    shim = GeneratedProject.cliShim(workDir);
    Path project = GeneratedProject.generate(workDir, APP);

    Path script = workDir.resolve("walkthrough.sh");
    List<String> blocks = bashBlocks(Files.readString(project.resolve("README.md")));
    Files.writeString(script, walkthrough(blocks));
    Path log = workDir.resolve("walkthrough.log");
    int exit =
        GeneratedProject.run(
            project,
            log,
            environment(),
            GeneratedProject.Duration.BUILD,
            "bash",
            script.toString());
    String output = GeneratedProject.read(log);

    assertThat(exit)
        .as("the walkthrough's exit code; its output ends:%n%s", tailOf(output))
        .isZero();
    assertThat(blocks.get(0)).contains("mvn verify");
    assertThat(report(project, "failsafe-reports", "PredictionServiceIT"))
        .as("the generated project's IT against a real local cluster ran and passed")
        .contains("tests=\"2\"")
        .contains("failures=\"0\"")
        .contains("errors=\"0\"")
        .contains("skipped=\"0\"");
    assertThat(report(project, "surefire-reports", "http.HttpApiTest"))
        .contains("failures=\"0\"")
        .contains("errors=\"0\"")
        .doesNotContain("tests=\"0\"");
    String predicting = blockOutput(output, blocks.size() - 2);
    assertThat(predicting).contains("\"state\":\"SUCCEEDED\"");
    Matcher prediction = PREDICTION.matcher(predicting);
    assertThat(prediction.find()).as("a prediction in:%n%s", predicting).isTrue();
    assertThat(prediction.group(1)).isEqualTo("1");
    assertThat(Double.parseDouble(prediction.group(2))).isGreaterThan(0.5);
  }

  static List<String> bashBlocks(String readme) {
    List<String> blocks = new ArrayList<>();
    Matcher m = BASH_BLOCK.matcher(readme);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertThat(blocks).as("the README's bash blocks").hasSizeGreaterThanOrEqualTo(4);
    return blocks;
  }

  static String walkthrough(List<String> blocks) {
    StringBuilder script = new StringBuilder("set -euo pipefail\n");
    for (int i = 0; i < blocks.size(); i++) {
      script.append("echo '=== block ").append(i).append("'\n").append(blocks.get(i));
    }
    return script.append("echo '=== end'\n").toString();
  }

  static String blockOutput(String output, int block) {
    int start = output.indexOf("=== block " + block + "\n");
    int end = output.indexOf("=== ", start + 1);
    assertThat(start).as("output of block %d in:%n%s", block, tailOf(output)).isNotNegative();
    return output.substring(start, end < 0 ? output.length() : end);
  }

  Map<String, String> environment() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String mavenBin =
        Path.of(GeneratedProject.maven()).getParent() == null
            ? ""
            : Path.of(GeneratedProject.maven()).getParent() + ":";
    return Map.of(
        "PATH", shim.getParent() + ":" + mavenBin + System.getenv("PATH"),
        "APPSPARK_HOME", GeneratedProject.HOME.toString(),
        "APPSPARK_CLI", shim.toString(),
        "APPSPARK_STATE_DIR", stateDir.toString(),
        "HTTP_PORT", String.valueOf(port),
        "MAVEN_OPTS", "-Dmaven.repo.local=" + GeneratedProject.localRepository());
  }

  static String report(Path project, String dir, String test) throws IOException {
    Path file =
        project
            .resolve("target")
            .resolve(dir)
            .resolve("TEST-" + GeneratedProject.PACKAGE + "." + test + ".xml");
    assertThat(file).exists();
    String xml = Files.readString(file);
    return xml.substring(0, xml.indexOf('>', xml.indexOf("<testsuite")) + 1);
  }

  static String tailOf(String output) {
    return String.join("\n", GeneratedProject.tail(output, 60));
  }
}
