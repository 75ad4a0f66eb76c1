package io.appspark.launcher.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.appspark.launcher.secrets.SecretReference;
import io.appspark.launcher.spec.InvalidSpecException.SpecProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns spec text (YAML) plus command-line overrides into a valid {@link ClusterSpec}, or throws
 * {@link InvalidSpecException} listing every problem at once. Pure: reads no file, no environment.
 *
 * <pre>
 * name: my-app                # DNS label, at most 40 characters
 * workers:
 *   min: 1                    # 0..max
 *   max: 4                    # 1..64
 *   initial: 2                # min..max
 *   cores: 1                  # 1..64, each worker
 *   memory: 1g                # 512m..256g, each worker
 * sparkConf:                  # extra Spark settings for the cluster's drivers and daemons
 *   spark.sql.shuffle.partitions: "8"
 * connect:
 *   enabled: true             # start a Spark Connect server (default: false)
 * autoscaler:
 *   idleTimeout: 60s          # a worker idle this long is retired (1s..1h)
 *   scaleDownCooldown: 120s   # at most one retirement per this long (0s..1h)
 * kubernetes: ...             # Kubernetes only: the Connect server's and workers' pods; see
 *                             # KubernetesSectionReader
 * </pre>
 */
public final class SpecReader {
  static final int MAX_NAME_LENGTH = 40;
  static final int MAX_WORKERS = 64;
  static final int MAX_CORES = 64;
  static final int MIN_MEMORY_MB = 512;
  static final int MAX_MEMORY_MB = 256 * 1024;
  static final int DEFAULT_MAX = 4;
  static final int DEFAULT_INITIAL = 2;

  // The autoscaler's ServiceAccount is <cluster>-autoscaler (kubernetes.model.ClusterNames).
  private static final String AUTOSCALER_SUFFIX = "-autoscaler";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Set<String> TOP_FIELDS =
      Set.of("name", "workers", "sparkConf", "connect", "autoscaler", "kubernetes");
  private static final Set<String> AUTOSCALER_FIELDS = Set.of("idleTimeout", "scaleDownCooldown");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,7})(ms|s|m|h)");
  private static final Duration MAX_SCALE_DOWN_DURATION = Duration.ofHours(1);
  private static final Set<String> WORKER_FIELDS =
      Set.of("min", "max", "initial", "cores", "memory");
  private static final Set<String> CONNECT_FIELDS = Set.of("enabled");

  private final List<SpecProblem> problems = new ArrayList<>();
  private final String source;

  private SpecReader(String source) {
    this.source = source;
  }

  /**
   * Reads a spec; {@code source} names where the text came from, for error messages. A spec with no
   * field at all is refused: an empty file is a wrong path or a template that wrote nothing, not a
   * wish for the defaults (those come from {@link #defaults}).
   */
  public static ClusterSpec read(String yaml, String source, SpecOverrides overrides) {
    JsonNode root =
        SpecYaml.parse(yaml, source)
            .orElseThrow(
                () ->
                    new InvalidSpecException(
                        source,
                        List.of(
                            new SpecProblem(
                                SpecText.FIELD,
                                "is empty (no field, only blanks or comments): write at least"
                                    + " `name: my-app`, or leave out -f for the defaults"))));
    if (!root.isObject()) {
      throw new InvalidSpecException(
          source,
          List.of(
              new SpecProblem(
                  SpecYaml.FIELD,
                  "must be a mapping with " + String.join(", ", sorted(TOP_FIELDS)))));
    }
    return new SpecReader(source).parse(root, overrides);
  }

  public static ClusterSpec defaults(SpecOverrides overrides) {
    return new SpecReader("defaults").parse(JsonNodeFactory.instance.objectNode(), overrides);
  }

  private ClusterSpec parse(JsonNode root, SpecOverrides overrides) {
    checkKnownFields(root, "", TOP_FIELDS);
    JsonNode given = root.path("workers");
    if (!given.isMissingNode() && !given.isObject()) {
      problem("workers", "must be a mapping with " + String.join(", ", sorted(WORKER_FIELDS)));
    }
    JsonNode w = given.isObject() ? given : MissingNode.getInstance();
    checkKnownFields(w, "workers.", WORKER_FIELDS);

    String name =
        overrides.name().orElseGet(() -> text(root, "name").orElse(ClusterSpec.DEFAULT_NAME));
    checkName(name, overrides.name().isPresent() ? "--name" : "name");

    Optional<Integer> initialOverride = overrides.workers();
    int initial =
        initialOverride.orElseGet(() -> integer(w, "workers.initial").orElse(DEFAULT_INITIAL));
    String initialField = initialOverride.isPresent() ? "--workers" : "workers.initial";
    Optional<Integer> maxGiven = integer(w, "workers.max");
    Optional<Integer> minGiven = integer(w, "workers.min");
    int max = maxGiven.orElse(Math.min(MAX_WORKERS, Math.max(DEFAULT_MAX, initial)));
    int min = minGiven.orElse(Math.min(1, initial));
    int cores = integer(w, "workers.cores").orElse(1);
    int memoryMb = memory(w).orElse(1024);

    range("workers.max", max, 1, MAX_WORKERS);
    range("workers.min", min, 0, MAX_WORKERS);
    range("workers.cores", cores, 1, MAX_CORES);
    if (min > max) {
      problem("workers.min", "must be at most workers.max (" + max + "); got " + min);
    }
    if (initial < min || initial > max) {
      problem(
          initialField,
          "must be between workers.min ("
              + min
              + ") and workers.max ("
              + max
              + "); got "
              + initial);
    }
    Map<String, String> sparkConf = sparkConf(root.path("sparkConf"));
    boolean connect = connectEnabled(root.path("connect")) || overrides.connect();
    ScaleDown scaleDown = scaleDown(root.path("autoscaler"));
    KubernetesSpec kubernetes =
        new KubernetesSectionReader(this::problem).read(root.path("kubernetes"));
    kubernetes
        .connect()
        .serviceAccount()
        .filter(account -> account.equals(name + AUTOSCALER_SUFFIX))
        .ifPresent(
            account ->
                problem(
                    "kubernetes.connect.serviceAccount",
                    "'"
                        + account
                        + "' is the autoscaler's, which may create pods, and the Connect server"
                        + " runs its clients' code; give it an account of its own"));
    kubernetes
        .worker()
        .memoryMib()
        .filter(limit -> ContainerMemory.workerOfferMib(limit) < memoryMb)
        .ifPresent(
            limit ->
                problem(
                    "kubernetes.worker.memory",
                    "must be at least "
                        + ContainerMemory.workerLimitMib(memoryMb)
                        + "Mi for workers.memory "
                        + memoryMb
                        + "m (the worker JVM and executors' off-heap memory need room); got "
                        + limit
                        + "Mi"));

    if (!problems.isEmpty()) {
      throw new InvalidSpecException(source, problems);
    }
    return new ClusterSpec(
        name,
        new WorkerPool(min, max, initial, cores, memoryMb),
        sparkConf,
        new SparkConnect(connect),
        kubernetes,
        scaleDown);
  }

  private ScaleDown scaleDown(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return ScaleDown.defaults();
    }
    if (!node.isObject()) {
      problem(
          "autoscaler", "must be a mapping with " + String.join(", ", sorted(AUTOSCALER_FIELDS)));
      return ScaleDown.defaults();
    }
    checkKnownFields(node, "autoscaler.", AUTOSCALER_FIELDS);
    return new ScaleDown(
        duration(node, "idleTimeout", ScaleDown.DEFAULT_IDLE_TIMEOUT, Duration.ofSeconds(1)),
        duration(node, "scaleDownCooldown", ScaleDown.DEFAULT_COOLDOWN, Duration.ZERO));
  }

  /** A duration such as 90s, 2m or 500ms, between {@code min} and an hour. */
  private Duration duration(JsonNode section, String field, Duration fallback, Duration min) {
    JsonNode node = section.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return fallback;
    }
    String path = "autoscaler." + field;
    var m = DURATION.matcher(node.isTextual() ? node.textValue().trim() : "");
    if (!m.matches()) {
      problem(path, "must be a duration such as 90s, 2m or 500ms; got " + node);
      return fallback;
    }
    long amount = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
    if (d.compareTo(min) < 0 || d.compareTo(MAX_SCALE_DOWN_DURATION) > 0) {
      problem(path, "must be between " + min.toSeconds() + "s and 1h; got " + node.textValue());
      return fallback;
    }
    return d;
  }

  private boolean connectEnabled(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return false;
    }
    if (!node.isObject()) {
      problem("connect", "must be a mapping with " + String.join(", ", sorted(CONNECT_FIELDS)));
      return false;
    }
    checkKnownFields(node, "connect.", CONNECT_FIELDS);
    JsonNode enabled = node.path("enabled");
    if (enabled.isMissingNode() || enabled.isNull()) {
      return false;
    }
    if (!enabled.isBoolean()) {
      problem("connect.enabled", "must be true or false; got " + enabled);
      return false;
    }
    return enabled.booleanValue();
  }

  private void checkKnownFields(JsonNode node, String prefix, Set<String> allowed) {
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    for (var entry : object.properties()) {
      String field = entry.getKey();
      if (!allowed.contains(field)) {
        problem(
            prefix + key(field), "unknown field; allowed: " + String.join(", ", sorted(allowed)));
      }
    }
  }

  private void checkName(String name, String field) {
    if (name.length() > MAX_NAME_LENGTH || !DNS_LABEL.matcher(name).matches()) {
      problem(
          field,
          "must be a DNS label of at most "
              + MAX_NAME_LENGTH
              + " characters (lower-case letters, digits and '-', starting with a letter); got '"
              + name
              + "'");
    }
  }

  private Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      problem(field, "must be a string; got " + value);
      return Optional.empty();
    }
    return Optional.of(value.asText());
  }

  private Optional<Integer> integer(JsonNode node, String path) {
    JsonNode value = node.path(path.substring(path.lastIndexOf('.') + 1));
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      problem(path, "must be a whole number; got " + value);
      return Optional.empty();
    }
    return Optional.of(value.asInt());
  }

  private Optional<Integer> memory(JsonNode workers) {
    JsonNode value = workers.path("memory");
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    Optional<Integer> mb = MemorySize.parseMb(value.asText());
    if (mb.isEmpty() || mb.get() < MIN_MEMORY_MB || mb.get() > MAX_MEMORY_MB) {
      problem(
          "workers.memory",
          "must be a size from 512m to 256g, written like 512m or 2g; got " + value);
      return Optional.empty();
    }
    return mb;
  }

  private void range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      problem(field, "must be from " + min + " to " + max + "; got " + value);
    }
  }

  private Map<String, String> sparkConf(JsonNode node) {
    Map<String, String> conf = new TreeMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return conf;
    }
    if (!node.isObject()) {
      problem("sparkConf", "must be a mapping of spark.* keys to values");
      return conf;
    }
    for (var e : node.properties()) {
      String key = key(e.getKey());
      if (!key.startsWith("spark.")) {
        problem("sparkConf." + key, "Spark settings start with 'spark.'");
      } else if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        problem("sparkConf." + key, "must be a single value (quote it as a string)");
      } else {
        String value = e.getValue().asText();
        malformedReference(value).ifPresent(reason -> problem("sparkConf." + key, reason));
        conf.put(key, value);
      }
    }
    return conf;
  }

  /**
   * Why a value written as a secret reference does not follow its scheme's grammar, found now
   * rather than when something starts and resolves it; the reason never quotes the value.
   */
  private static Optional<String> malformedReference(String value) {
    if (!SecretReference.isReference(value)) {
      return Optional.empty();
    }
    String scheme = value.substring(0, value.indexOf(':') + 1);
    return SecretReference.problem(value).map(r -> "the " + scheme + " secret reference " + r);
  }

  /** A mapping's key as a field's name shows it: an empty key (as in {@code "": 1}) as ''. */
  static String key(String name) {
    return name.isEmpty() ? "''" : name;
  }

  private void problem(String field, String message) {
    problems.add(new SpecProblem(field, message));
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
