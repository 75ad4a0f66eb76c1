package io.appspark.launcher.secrets;

import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Spark's {@code spark.redaction.regex} for settings that hold secret references. Spark redacts the
 * value of every setting whose key matches (in the UI's environment page, its REST API, event logs
 * and its own logs). Its default pattern covers keys with "secret", "password", "token" or "access
 * key"; any other key that holds a reference is added by name, so a secret under an
 * ordinary-looking key is redacted too. (The launcher itself logs no setting values.)
 */
public final class SecretRedaction {
  /** Spark's own default for {@code spark.redaction.regex}. */
  public static final String SPARK_DEFAULT = "(?i)secret|password|token|access[.]?key";

  public static final String KEY = "spark.redaction.regex";

  private SecretRedaction() {}

  /** The settings with {@code spark.redaction.regex} covering every key that holds a reference. */
  public static Map<String, String> withRedaction(Map<String, String> conf) {
    TreeSet<String> keys =
        conf.entrySet().stream()
            .filter(e -> SecretReference.isReference(e.getValue()))
            .map(Map.Entry::getKey)
            .collect(Collectors.toCollection(TreeSet::new));
    return covering(conf, keys);
  }

  /**
   * The settings with {@code spark.redaction.regex} also covering {@code keys} by name: for
   * settings already resolved, whose values no longer show that they were references.
   */
  public static Map<String, String> covering(
      Map<String, String> conf, java.util.SortedSet<String> keys) {
    if (keys.isEmpty()) {
      return conf;
    }
    Map<String, String> out = new java.util.TreeMap<>(conf);
    out.put(KEY, regex(conf.getOrDefault(KEY, SPARK_DEFAULT), keys));
    return out;
  }

  /** A pattern matching what {@code base} matches and each of {@code keys} exactly. */
  static String regex(String base, java.util.SortedSet<String> keys) {
    Pattern basePattern = Pattern.compile(base);
    String extra =
        keys.stream()
            .filter(k -> !basePattern.matcher(k).find())
            .map(Pattern::quote)
            .collect(Collectors.joining("|"));
    return extra.isEmpty() ? base : base + "|" + extra;
  }
}
