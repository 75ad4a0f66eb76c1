package io.appspark.launcher.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.appspark.launcher.secrets.VaultSettings;
import io.appspark.launcher.spec.KubernetesSpec.ConnectPodSpec;
import io.appspark.launcher.spec.KubernetesSpec.Toleration;
import io.appspark.launcher.spec.KubernetesSpec.VolumeSpec;
import io.appspark.launcher.spec.KubernetesSpec.WorkerPodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the spec's {@code kubernetes:} section, reporting each problem with its dotted field path.
 *
 * <pre>
 * kubernetes:
 *   connect: true                 # also run a Spark Connect server (default: false); short for:
 *   connect:
 *     enabled: true               # as connect.enabled: either one asks for the server
 *     cpu: 500m                   # CPU request = limit (default: "1")
 *     memory: 3Gi                 # request = limit, 1Gi..512Gi, heap follows (default: 2Gi)
 *     env: {VAULT_ADDR: https://vault.example:8200, APPSPARK_VAULT_K8S_ROLE: shop}
 *     volumes:                    # as the worker's
 *       - {name: vault-ca, mountPath: /etc/vault-ca, configMap: vault-ca, readOnly: true}
 *     serviceAccount: shop-connect # an existing one; the pod runs as it, with its token mounted
 *   worker:
 *     cpu: "2"                    # CPU request = limit (default: workers.cores)
 *     memory: 3Gi                 # memory request = limit, Mi or Gi (default: derived)
 *     nodeSelector: {disk: ssd}
 *     tolerations: [{key: spark, operator: Equal, value: "yes", effect: NoSchedule}]
 *     env: {TZ: UTC}
 *     volumes:
 *       - {name: scratch, mountPath: /scratch, emptyDir: 10Gi}
 *       - {name: lookup, mountPath: /lookup, configMap: lookup-tables, readOnly: true}
 * </pre>
 *
 * <p>The Connect server's settings apply whenever it runs, however it was asked for ({@code
 * connect.enabled}, {@code --connect}, {@code kubernetes.connect.enabled}): giving them does not
 * start it. Its environment may hold the Vault login's {@code APPSPARK_VAULT_*} variables (its
 * entrypoint resolves the settings' secret references) but never a Vault token or secret id, which
 * would put a secret in the spec.
 */
final class KubernetesSectionReader {
  private static final Set<String> FIELDS = Set.of("connect", "worker");
  private static final Set<String> WORKER_FIELDS =
      Set.of("cpu", "memory", "nodeSelector", "tolerations", "env", "volumes");
  private static final Set<String> CONNECT_FIELDS =
      Set.of("enabled", "cpu", "memory", "env", "volumes", "serviceAccount");
  private static final int MIN_MEMORY_MIB = 512;

  /**
   * The Connect server is a driver: Spark refuses a heap under 450 MiB, and a 1 GiB container gives
   * it 576 MiB (ContainerMemory.daemonHeapMib).
   */
  private static final int MIN_CONNECT_MEMORY_MIB = 1024;

  /** The Vault login's settings of the secret resolver, which runs in the Connect server's pod. */
  private static final Set<String> CONNECT_ENV_ALLOWED =
      Set.of(
          VaultSettings.APPROLE_MOUNT,
          VaultSettings.K8S_ROLE,
          VaultSettings.K8S_MOUNT,
          VaultSettings.K8S_TOKEN_FILE,
          VaultSettings.ATTEMPTS);

  /** Secrets of the Vault login: in the spec they would be in the Deployment for all to read. */
  private static final Set<String> SECRET_ENV =
      Set.of(VaultSettings.TOKEN, VaultSettings.SECRET_ID);

  private static final Set<String> TOLERATION_FIELDS =
      Set.of("key", "operator", "value", "effect", "tolerationSeconds");
  private static final Set<String> VOLUME_FIELDS =
      Set.of(
          "name",
          "mountPath",
          "readOnly",
          "emptyDir",
          "configMap",
          "secret",
          "persistentVolumeClaim");
  private static final Set<String> OPERATORS = Set.of("Equal", "Exists");
  private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final Pattern CPU = Pattern.compile("([1-9]\\d{0,2})|([1-9]\\d{2,5})m");
  private static final Pattern MEMORY = Pattern.compile("([1-9]\\d{0,6})(Mi|Gi)");
  private static final Pattern SIZE = Pattern.compile("[1-9]\\d{0,6}(Mi|Gi)");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Pattern LABEL_KEY =
      Pattern.compile(
          "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> RESERVED_VOLUMES = Set.of("spark-conf", "tmp", "work");
  private static final Set<String> RESERVED_PATHS =
      Set.of("/opt/spark/conf-mounted", "/tmp", "/opt/spark/work", "/opt/spark");

  private final BiConsumer<String, String> problem;

  KubernetesSectionReader(BiConsumer<String, String> problem) {
    this.problem = problem;
  }

  KubernetesSpec read(JsonNode section) {
    if (section.isMissingNode() || section.isNull()) {
      return KubernetesSpec.defaults();
    }
    if (!mapping(section, "kubernetes", FIELDS)) {
      return KubernetesSpec.defaults();
    }
    return new KubernetesSpec(connect(section.path("connect")), worker(section.path("worker")));
  }

  private ConnectPodSpec connect(JsonNode node) {
    String at = "kubernetes.connect";
    if (node.isMissingNode() || node.isNull()) {
      return ConnectPodSpec.defaults();
    }
    if (node.isBoolean()) {
      return new ConnectPodSpec(
          node.booleanValue(),
          Optional.empty(),
          Optional.empty(),
          Map.of(),
          List.of(),
          Optional.empty());
    }
    if (!node.isObject()) {
      problem.accept(
          at,
          "must be true or false, or a mapping with "
              + String.join(", ", sorted(CONNECT_FIELDS))
              + "; got "
              + node);
      return ConnectPodSpec.defaults();
    }
    mapping(node, at, CONNECT_FIELDS);
    Map<String, String> env = env(node.path("env"), at + ".env", CONNECT_ENV_ALLOWED);
    env.keySet().stream()
        .filter(SECRET_ENV::contains)
        .forEach(
            name ->
                problem.accept(
                    at + ".env." + name,
                    "would put a secret in the spec and the pod's definition; log in to Vault"
                        + " with serviceAccount and "
                        + VaultSettings.K8S_ROLE
                        + " instead"));
    return new ConnectPodSpec(
        bool(node.path("enabled"), at + ".enabled").orElse(false),
        cpu(node.path("cpu"), at + ".cpu"),
        memoryMib(
            node.path("memory"),
            at + ".memory",
            MIN_CONNECT_MEMORY_MIB,
            " (the Connect server is a driver: Spark needs a heap of 450 MiB or more)"),
        env,
        volumes(node.path("volumes"), at + ".volumes"),
        serviceAccount(node.path("serviceAccount"), at + ".serviceAccount"));
  }

  private Optional<String> serviceAccount(JsonNode node, String field) {
    return matching(
        node,
        field,
        DNS_SUBDOMAIN,
        "must name a service account of the namespace (a DNS subdomain)");
  }

  private WorkerPodSpec worker(JsonNode node) {
    String at = "kubernetes.worker";
    if (node.isMissingNode() || node.isNull() || !mapping(node, at, WORKER_FIELDS)) {
      return WorkerPodSpec.defaults();
    }
    return new WorkerPodSpec(
        cpu(node.path("cpu"), at + ".cpu"),
        memoryMib(node.path("memory"), at + ".memory", MIN_MEMORY_MIB, ""),
        labels(node.path("nodeSelector"), at + ".nodeSelector"),
        tolerations(node.path("tolerations"), at + ".tolerations"),
        env(node.path("env"), at + ".env", Set.of()),
        volumes(node.path("volumes"), at + ".volumes"));
  }

  private Optional<String> cpu(JsonNode node, String field) {
    return matching(node, field, CPU, "must be whole cores (1..999) or millicores (100m..999999m)");
  }

  /** The field's string if it matches {@code pattern}; else a problem saying {@code rule}. */
  private Optional<String> matching(JsonNode node, String field, Pattern pattern, String rule) {
    Optional<String> value = string(node, field);
    value
        .filter(v -> !pattern.matcher(v).matches())
        .ifPresent(v -> problem.accept(field, rule + "; got '" + v + "'"));
    return value.filter(v -> pattern.matcher(v).matches());
  }

  private Optional<Integer> memoryMib(JsonNode node, String field, int minMib, String why) {
    Optional<String> text = string(node, field);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = MEMORY.matcher(text.get());
    if (!m.matches()) {
      problem.accept(
          field, "must be a size in Mi or Gi, like 3072Mi or 3Gi; got '" + text.get() + "'");
      return Optional.empty();
    }
    long mib = Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
    if (mib < minMib || mib > 512 * 1024) {
      problem.accept(
          field, "must be from " + minMib + "Mi to 512Gi" + why + "; got '" + text.get() + "'");
      return Optional.empty();
    }
    return Optional.of((int) mib);
  }

  private Map<String, String> labels(JsonNode node, String field) {
    Map<String, String> labels = stringMap(node, field);
    labels.forEach(
        (k, v) -> {
          if (!LABEL_KEY.matcher(k).matches()) {
            problem.accept(field + "." + k, "is not a valid label key");
          }
          if (v.length() > 63 || !LABEL_VALUE.matcher(v).matches()) {
            problem.accept(field + "." + k, "is not a valid label value: '" + v + "'");
          }
        });
    return labels;
  }

  /** Names with appspark's prefixes are refused unless {@code allowed} holds them. */
  private Map<String, String> env(JsonNode node, String field, Set<String> allowed) {
    Map<String, String> env = stringMap(node, field);
    env.keySet()
        .forEach(
            name -> {
              if (!ENV_NAME.matcher(name).matches()) {
                problem.accept(field + "." + name, "is not a valid environment variable name");
              } else if (!allowed.contains(name)
                  && (name.startsWith("SPARK_")
                      || name.startsWith("APPSPARK_")
                      || name.startsWith("_SPARK_"))) {
                problem.accept(
                    field + "." + name,
                    "SPARK_*, _SPARK_* and APPSPARK_* are set by appspark from the spec; use sparkConf or"
                        + " workers.* instead"
                        + (allowed.isEmpty()
                            ? ""
                            : " (here the Vault login's "
                                + String.join(", ", sorted(allowed))
                                + " may be given)"));
              }
            });
    return env;
  }

  private List<Toleration> tolerations(JsonNode node, String field) {
    List<Toleration> result = new ArrayList<>();
    for (int i = 0; i < listSize(node, field); i++) {
      String at = field + "[" + i + "]";
      JsonNode t = node.get(i);
      if (!mapping(t, at, TOLERATION_FIELDS)) {
        continue;
      }
      Optional<String> key = string(t.path("key"), at + ".key");
      String operator = string(t.path("operator"), at + ".operator").orElse("Equal");
      Optional<String> value = string(t.path("value"), at + ".value");
      Optional<String> effect = string(t.path("effect"), at + ".effect");
      Optional<Long> seconds = wholeNumber(t.path("tolerationSeconds"), at + ".tolerationSeconds");
      if (!OPERATORS.contains(operator)) {
        problem.accept(at + ".operator", "must be Equal or Exists; got '" + operator + "'");
      }
      if (operator.equals("Exists") && value.isPresent()) {
        problem.accept(at + ".value", "must be empty when operator is Exists");
      }
      if (key.isEmpty() && !operator.equals("Exists")) {
        problem.accept(at + ".key", "is required unless operator is Exists");
      }
      effect
          .filter(e -> !EFFECTS.contains(e))
          .ifPresent(
              e ->
                  problem.accept(
                      at + ".effect",
                      "must be NoSchedule, PreferNoSchedule or NoExecute; got '" + e + "'"));
      if (seconds.isPresent() && !effect.equals(Optional.of("NoExecute"))) {
        problem.accept(at + ".tolerationSeconds", "only applies to effect NoExecute");
      }
      result.add(new Toleration(key, operator, value, effect, seconds));
    }
    return result;
  }

  private List<VolumeSpec> volumes(JsonNode node, String field) {
    List<VolumeSpec> result = new ArrayList<>();
    Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < listSize(node, field); i++) {
      String at = field + "[" + i + "]";
      JsonNode v = node.get(i);
      if (!mapping(v, at, VOLUME_FIELDS)) {
        continue;
      }
      String name = string(v.path("name"), at + ".name").orElse("");
      if (!DNS_LABEL.matcher(name).matches()) {
        problem.accept(
            at + ".name", "must be a DNS label (lower-case, digits, '-'); got '" + name + "'");
      } else if (RESERVED_VOLUMES.contains(name)) {
        problem.accept(at + ".name", "'" + name + "' is used by appspark; choose another name");
      } else if (!names.add(name)) {
        problem.accept(at + ".name", "'" + name + "' is used by an earlier volume");
      }
      String mountPath = string(v.path("mountPath"), at + ".mountPath").orElse("");
      if (!mountPath.startsWith("/") || mountPath.contains("..")) {
        problem.accept(at + ".mountPath", "must be an absolute path; got '" + mountPath + "'");
      } else if (RESERVED_PATHS.contains(mountPath.replaceAll("/+$", ""))) {
        problem.accept(at + ".mountPath", "'" + mountPath + "' is used by appspark");
      }
      boolean readOnly = bool(v.path("readOnly"), at + ".readOnly").orElse(false);
      volumeSource(v, at)
          .ifPresent(
              source ->
                  result.add(new VolumeSpec(name, mountPath, source.kind, source.ref, readOnly)));
    }
    return result;
  }

  private record Source(VolumeSpec.Kind kind, Optional<String> ref) {}

  private Optional<Source> volumeSource(JsonNode v, String at) {
    List<VolumeSpec.Kind> given = new ArrayList<>();
    for (VolumeSpec.Kind kind : VolumeSpec.Kind.values()) {
      if (v.has(kind.field())) {
        given.add(kind);
      }
    }
    if (given.size() != 1) {
      problem.accept(at, "needs exactly one of emptyDir, configMap, secret, persistentVolumeClaim");
      return Optional.empty();
    }
    VolumeSpec.Kind kind = given.get(0);
    String field = at + "." + kind.field();
    JsonNode value = v.path(kind.field());
    if (kind == VolumeSpec.Kind.EMPTY_DIR) {
      if (value.isNull() || (value.isObject() && value.isEmpty())) {
        return Optional.of(new Source(kind, Optional.empty()));
      }
      Optional<String> size = string(value, field);
      if (size.isPresent() && !SIZE.matcher(size.get()).matches()) {
        problem.accept(field, "must be {} or a size limit like 10Gi; got '" + size.get() + "'");
        return Optional.empty();
      }
      return size.map(s -> new Source(kind, Optional.of(s)));
    }
    Optional<String> ref = string(value, field);
    if (ref.isPresent() && !DNS_SUBDOMAIN.matcher(ref.get()).matches()) {
      problem.accept(field, "must name an object (a DNS subdomain); got '" + ref.get() + "'");
      return Optional.empty();
    }
    if (ref.isEmpty()) {
      problem.accept(field, "must name the " + kind.field() + " to mount");
    }
    return ref.map(r -> new Source(kind, Optional.of(r)));
  }

  private boolean mapping(JsonNode node, String field, Set<String> allowed) {
    if (!(node instanceof ObjectNode object)) {
      problem.accept(field, "must be a mapping with " + String.join(", ", sorted(allowed)));
      return false;
    }
    for (var entry : object.properties()) {
      if (!allowed.contains(entry.getKey())) {
        problem.accept(
            field + "." + entry.getKey(),
            "unknown field; allowed: " + String.join(", ", sorted(allowed)));
      }
    }
    return true;
  }

  private int listSize(JsonNode node, String field) {
    if (node.isMissingNode() || node.isNull()) {
      return 0;
    }
    if (!node.isArray()) {
      problem.accept(field, "must be a list");
      return 0;
    }
    return node.size();
  }

  private Map<String, String> stringMap(JsonNode node, String field) {
    Map<String, String> map = new TreeMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return map;
    }
    if (!node.isObject()) {
      problem.accept(field, "must be a mapping of names to values");
      return map;
    }
    for (var e : node.properties()) {
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        problem.accept(field + "." + e.getKey(), "must be a single value (quote it as a string)");
      } else {
        map.put(e.getKey(), e.getValue().asText());
      }
    }
    return map;
  }

  private Optional<String> string(JsonNode value, String field) {
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isValueNode()) {
      problem.accept(field, "must be a single value; got " + value);
      return Optional.empty();
    }
    return Optional.of(value.asText());
  }

  private Optional<Boolean> bool(JsonNode value, String field) {
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      problem.accept(field, "must be true or false; got " + value);
      return Optional.empty();
    }
    return Optional.of(value.asBoolean());
  }

  private Optional<Long> wholeNumber(JsonNode value, String field) {
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isIntegralNumber() || value.asLong() < 0) {
      problem.accept(field, "must be a whole number of seconds; got " + value);
      return Optional.empty();
    }
    return Optional.of(value.asLong());
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
