package io.appspark.autoscaler.config;

import io.appspark.autoscaler.policy.PolicyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link AutoscalerConfig} from the environment ({@code APPSPARK_AUTOSCALER_MAX_WORKERS}) and
 * from arguments ({@code --max-workers=4}, which win). Every problem is reported at once, each
 * naming the variable.
 */
public final class ConfigParser {
  public static final String PREFIX = "APPSPARK_AUTOSCALER_";
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  /** The settings, with their defaults (null: required). */
  public enum Setting {
    CLUSTER("appspark"),
    CLUSTER_DIR(null),
    HOST("127.0.0.1"),
    PORT(null),
    MIN_WORKERS("0"),
    MAX_WORKERS(null),
    CORES_PER_WORKER(null),
    MAX_STEP("4"),
    IDLE_TIMEOUT("60s"),
    SCALE_DOWN_COOLDOWN("120s"),
    POLL_INTERVAL("250ms"),
    DRIVER_LEASE("10s"),
    BACKEND("local"),
    NAMESPACE(null),
    POD_NAME(null),
    OWNER(null),
    SPEC_FILE("/etc/appspark/spec/appspark.yaml"),
    IMAGE(null),
    MASTER_URL(null),
    LEASE_DURATION("15s"),
    PENDING_TIMEOUT("120s");

    private final String defaultValue;

    Setting(String defaultValue) {
      this.defaultValue = defaultValue;
    }

    public String variable() {
      return PREFIX + name();
    }

    public String option() {
      return "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Map<Setting, String> values = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  private ConfigParser(Map<String, String> env, List<String> args) {
    for (Setting s : Setting.values()) {
      String v = env.get(s.variable());
      values.put(s, v != null && !v.isBlank() ? v.trim() : s.defaultValue);
    }
    for (String arg : args) {
      readArgument(arg);
    }
  }

  public static AutoscalerConfig parse(Map<String, String> env, List<String> args) {
    return new ConfigParser(env, args).build();
  }

  private void readArgument(String arg) {
    int eq = arg.indexOf('=');
    for (Setting s : Setting.values()) {
      if (eq > 0 && arg.substring(0, eq).equals(s.option())) {
        values.put(s, arg.substring(eq + 1).trim());
        return;
      }
    }
    problems.add(
        arg + ": unknown argument; use --name=value with one of " + String.join(", ", options()));
  }

  private AutoscalerConfig build() {
    String cluster = text(Setting.CLUSTER);
    String backend = values.get(Setting.BACKEND);
    boolean onKubernetes = "kubernetes".equals(backend);
    if (!onKubernetes && !"local".equals(backend)) {
      problems.add(
          Setting.BACKEND.variable() + ": must be local or kubernetes; got '" + backend + "'");
    }
    String dir = onKubernetes ? "." : text(Setting.CLUSTER_DIR);
    Optional<KubernetesSettings> kubernetes =
        onKubernetes ? Optional.of(kubernetes(cluster)) : Optional.empty();
    String host = text(Setting.HOST);
    int port = integer(Setting.PORT, 0, 65535);
    int min = integer(Setting.MIN_WORKERS, 0, 1000);
    int max = integer(Setting.MAX_WORKERS, 1, 1000);
    int cores = integer(Setting.CORES_PER_WORKER, 1, 1024);
    int step = integer(Setting.MAX_STEP, 1, 1000);
    Duration idle = duration(Setting.IDLE_TIMEOUT);
    Duration cooldown = duration(Setting.SCALE_DOWN_COOLDOWN);
    Duration poll = duration(Setting.POLL_INTERVAL);
    Duration lease = duration(Setting.DRIVER_LEASE);
    if (problems.isEmpty() && min > max) {
      problems.add(
          Setting.MIN_WORKERS.variable()
              + ": must be at most "
              + Setting.MAX_WORKERS.variable()
              + " ("
              + max
              + "); got "
              + min);
    }
    if (problems.isEmpty() && poll.isZero()) {
      problems.add(Setting.POLL_INTERVAL.variable() + ": must be more than 0");
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return new AutoscalerConfig(
        cluster,
        Path.of(dir),
        host,
        port,
        new PolicyConfig(min, max, cores, step, idle, cooldown),
        poll,
        lease,
        kubernetes);
  }

  private KubernetesSettings kubernetes(String cluster) {
    String master = values.get(Setting.MASTER_URL);
    return new KubernetesSettings(
        text(Setting.NAMESPACE),
        text(Setting.POD_NAME),
        text(Setting.OWNER),
        Path.of(text(Setting.SPEC_FILE)),
        text(Setting.IMAGE),
        master == null || master.isBlank() ? "http://" + cluster + "-spark-master:8080" : master,
        duration(Setting.LEASE_DURATION),
        positive(Setting.PENDING_TIMEOUT));
  }

  /** A duration above zero; zero would give up every pod before the scheduler saw it. */
  private Duration positive(Setting s) {
    String given = values.get(s);
    Duration d = duration(s);
    if (d.isZero() && given != null && DURATION.matcher(given).matches()) {
      problems.add(
          s.variable() + ": must be more than 0 (a duration like 30s or 2m); got '" + given + "'");
    }
    return d;
  }

  private String text(Setting s) {
    String v = values.get(s);
    if (v == null || v.isBlank()) {
      problems.add(s.variable() + " (or " + s.option() + "): required");
      return "";
    }
    return v;
  }

  private int integer(Setting s, int from, int to) {
    String v = text(s);
    if (v.isEmpty()) {
      return from;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < from || n > to) {
        problems.add(s.variable() + ": must be from " + from + " to " + to + "; got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      problems.add(s.variable() + ": must be a whole number; got '" + v + "'");
      return from;
    }
  }

  private Duration duration(Setting s) {
    String v = text(s);
    Matcher m = DURATION.matcher(v);
    if (!m.matches()) {
      if (!v.isEmpty()) {
        problems.add(
            s.variable() + ": must be a duration like 250ms, 30s, 2m or 1h; got '" + v + "'");
      }
      return Duration.ZERO;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private static List<String> options() {
    return java.util.Arrays.stream(Setting.values()).map(Setting::option).toList();
  }
}
