package io.appspark.launcher.it;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appspark.launcher.local.ClusterState;
import io.appspark.launcher.spark.MasterClient;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local in-app cluster authenticates every RPC with its own secret: drivers with it run, drivers
 * without it or with another one are refused, and the secret shows nowhere but in its own file.
 */
class AuthenticatedClusterIT {
  private static final String NAME = "guarded";
  private static final long N = 100_000;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path stateDir;
  private Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(stateDir);
  }

  @AfterEach
  void tearDown() {
    cli.run("down", "--name", NAME);
    cli.killAll(NAME);
  }

  @Test
  void onlyDriversWithTheClustersSecretGetInAndTheSecretShowsNowhere() throws Exception {
    Cli.Result up =
        cli.run(
            "up",
            "--detach",
            "--no-autoscaler",
            "--name",
            NAME,
            "--workers",
            "1",
            "--connect",
            "--timeout",
            "280");
    assertThat(up.exitCode()).as(Cli.text(up)).isZero();
    ClusterState state = state();
    Path secretFile = cli.clusterDir(NAME).resolve("spark-auth.conf");
    String secret = secretIn(secretFile);

    assertThat(secret).matches("[0-9a-f]{64}");
    assertThat(Files.getPosixFilePermissions(secretFile))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(new MasterClient(state.masterWebUrl()).state())
        .as("the master's JSON needs no secret: the autoscaler and the probes read it")
        .hasValueSatisfying(s -> assertThat(s.aliveWorkerCount()).isEqualTo(1));
    Path withoutLog = stateDir.resolve("without-secret.log");
    Path wrongLog = stateDir.resolve("wrong-secret.log");
    // Spark itself refuses encryption without authentication, so a driver without the secret
    // turns both off: it then tries the master in the clear and must be refused there.
    Process without =
        cli.start(
            withoutLog,
            submit(
                "--conf",
                "spark.authenticate=false",
                "--conf",
                "spark.network.crypto.enabled=false"));
    Process wrong =
        cli.start(wrongLog, submit("--conf", "spark.authenticate.secret=" + "0".repeat(64)));
    Cli.Result with = cli.run(submit());

    assertThat(with.exitCode()).as(Cli.text(with)).isZero();
    assertThat(with.out()).contains("RESULT sum=" + sumOfSquares(N) + " ");
    assertRefused(without, withoutLog);
    assertRefused(wrong, wrongLog);

    String environment = driverEnvironment(connectServerUi());
    List<String> sparkProperties = new java.util.ArrayList<>();
    JSON.readTree(environment)
        .path("sparkProperties")
        .forEach(p -> sparkProperties.add(p.get(0).asText() + "=" + p.get(1).asText()));
    assertThat(sparkProperties)
        .contains("spark.authenticate=true", "spark.network.crypto.enabled=true")
        .contains("spark.authenticate.secret=*********(redacted)");
    assertThat(environment).doesNotContain(secret);
    assertThat(Cli.text(with)).doesNotContain(secret);
    assertThat(filesHolding(secret)).containsExactly(secretFile);
    assertThat(ProcessHandle.allProcesses())
        .noneMatch(p -> p.info().commandLine().map(c -> c.contains(secret)).orElse(false));
  }

  private String[] submit(String... conf) {
    Stream<String> head =
        Stream.of(
            "submit",
            "--name",
            NAME,
            "--class",
            "io.appspark.examples.SumOfSquares",
            "--conf",
            "spark.dynamicAllocation.enabled=false");
    Stream<String> tail = Stream.of(Cli.EXAMPLES_JAR.toString(), Long.toString(N), "4");
    return Stream.of(head, Stream.of(conf), tail).flatMap(s -> s).toArray(String[]::new);
  }

  /**
   * The driver fails instead of running the job: the master closes every connection that does not
   * authenticate, and Spark's driver gives up saying so.
   */
  private static void assertRefused(Process driver, Path log) throws Exception {
    if (!driver.waitFor(5, TimeUnit.MINUTES)) {
      driver.destroyForcibly();
      throw new AssertionError("a driver without the right secret still ran after 5 minutes");
    }
    String output = Files.readString(log);
    assertThat(driver.exitValue()).as(output).isNotZero();
    assertThat(output)
        .doesNotContain("RESULT sum=")
        .contains("Failed to connect to master")
        .contains("All masters are unresponsive! Giving up.");
  }

  private static BigInteger sumOfSquares(long n) {
    return BigInteger.valueOf(n)
        .multiply(BigInteger.valueOf(n + 1))
        .multiply(BigInteger.valueOf(2 * n + 1))
        .divide(BigInteger.valueOf(6));
  }

  /** The Spark Connect server, a driver of the cluster, says where its UI is in its log. */
  private String connectServerUi() throws IOException {
    Pattern bound = Pattern.compile("Successfully started service 'SparkUI' on port ([0-9]+)");
    Matcher m = bound.matcher(Files.readString(cli.clusterDir(NAME).resolve("logs/connect.log")));
    assertThat(m.find()).as("the Connect server's log names its UI port").isTrue();
    return "http://127.0.0.1:" + m.group(1);
  }

  private static String driverEnvironment(String ui) throws Exception {
    JsonNode apps = getJson(ui + "/api/v1/applications");
    String id = apps.get(0).path("id").asText();
    return get(ui + "/api/v1/applications/" + id + "/environment");
  }

  /** Every file of the cluster's directory (logs, work, conf, state) that contains the text. */
  private List<Path> filesHolding(String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
    try (Stream<Path> files = Files.walk(cli.clusterDir(NAME))) {
      return files.filter(Files::isRegularFile).filter(f -> contains(f, needle)).toList();
    }
  }

  private static boolean contains(Path file, byte[] needle) {
    try {
      String haystack = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      return haystack.contains(new String(needle, StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String secretIn(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    }
    return p.getProperty("spark.authenticate.secret", "");
  }

  private ClusterState state() throws IOException {
    return JSON.readValue(
        cli.clusterDir(NAME).resolve("cluster.json").toFile(), ClusterState.class);
  }

  private static JsonNode getJson(String url) throws Exception {
    return JSON.readTree(get(url));
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }
}
