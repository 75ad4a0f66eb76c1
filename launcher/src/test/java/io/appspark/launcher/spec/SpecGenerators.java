package io.appspark.launcher.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Random but reproducible spec inputs for {@link SpecReaderPropertiesTest}: every case comes from a
 * seed, and a failing case names its seed.
 */
final class SpecGenerators {
  /** Valid specs to mutate: the README's examples, a minimal one, and one of every section. */
  static final List<String> VALID_SPECS =
      List.of(
          "name: shop\n",
          """
          name: my-app
          workers:
            min: 1
            max: 4
            initial: 2
            cores: 1
            memory: 1g
          sparkConf:
            spark.sql.shuffle.partitions: "16"
            spark.hadoop.fs.s3a.secret.key: vault:secret/data/my-app#s3SecretKey
            spark.eventLog.dir: file:///tmp/spark-events
          connect:
            enabled: false
          autoscaler:
            idleTimeout: 60s
            scaleDownCooldown: 120s
          """,
          """
          name: shop
          kubernetes:
            connect: false
            worker:
              cpu: "2"
              memory: 4Gi
              nodeSelector: {disk: ssd}
              tolerations: [{key: spark, operator: Equal, value: "yes", effect: NoSchedule}]
              env: {TZ: UTC}
              volumes:
                - {name: scratch, mountPath: /scratch, emptyDir: 10Gi}
                - {name: lookup, mountPath: /lookup, configMap: lookup-tables, readOnly: true}
          """);

  /** Pieces of YAML and of specs, so that random text often gets past the YAML parser. */
  private static final String[] TOKENS = {
    "name",
    "workers",
    "min",
    "max",
    "initial",
    "cores",
    "memory",
    "sparkConf",
    "connect",
    "enabled",
    "autoscaler",
    "idleTimeout",
    "scaleDownCooldown",
    "kubernetes",
    "worker",
    "cpu",
    "nodeSelector",
    "tolerations",
    "env",
    "volumes",
    "mountPath",
    "emptyDir",
    "spark.x",
    ": ",
    ":",
    "\n",
    "\n  ",
    "\n    ",
    "  ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "#",
    "\"",
    "'",
    "&a ",
    "*a",
    "!!str ",
    "!!map ",
    "|",
    ">",
    "---\n",
    "...\n",
    "? ",
    "0",
    "1",
    "-1",
    "64",
    "65",
    "99999999999",
    "1.5",
    "1g",
    "512m",
    "4Gi",
    "60s",
    "2h",
    "true",
    "null",
    "~",
    "vault:",
    "vault:a#",
    "k8s:s",
    "env:",
    "file:",
    "file:///x",
    "#k",
    "\t",
    "%YAML 1.2\n",
    "@",
    "`",
    "\u00e9",
    "\u0000",
    "\uFEFF",
    "<<: ",
    "\r\n",
    "\\",
    "\u2028"
  };

  private final Random random;

  SpecGenerators(long seed) {
    this.random = new Random(seed);
  }

  int between(int from, int to) {
    return from + random.nextInt(to - from + 1);
  }

  /** Text made of spec and YAML pieces and, now and then, any character. */
  String yamlishText() {
    StringBuilder text = new StringBuilder();
    int pieces = between(0, 40);
    for (int i = 0; i < pieces; i++) {
      if (random.nextInt(10) == 0) {
        text.append((char) random.nextInt(0x3000));
      } else {
        text.append(token());
      }
    }
    return text.toString();
  }

  /** A valid spec with a few edits: characters cut or put in, lines repeated or swapped. */
  String mutatedSpec() {
    String spec = VALID_SPECS.get(random.nextInt(VALID_SPECS.size()));
    int edits = between(1, 4);
    for (int i = 0; i < edits; i++) {
      spec = edit(spec);
    }
    return spec;
  }

  /** Any bytes, or valid UTF-8 spec text with some bytes changed. */
  byte[] bytes() {
    if (random.nextBoolean()) {
      byte[] bytes = new byte[between(0, 300)];
      random.nextBytes(bytes);
      return bytes;
    }
    byte[] bytes =
        VALID_SPECS
            .get(random.nextInt(VALID_SPECS.size()))
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    bytes = Arrays.copyOf(bytes, bytes.length);
    int changes = between(1, 3);
    for (int i = 0; i < changes; i++) {
      // Mostly ASCII (control characters too), so that most cases get past UTF-8 to the YAML.
      bytes[random.nextInt(bytes.length)] =
          (byte) random.nextInt(random.nextInt(4) == 0 ? 256 : 128);
    }
    return bytes;
  }

  private String token() {
    return TOKENS[random.nextInt(TOKENS.length)];
  }

  private String edit(String spec) {
    List<String> lines = new ArrayList<>(List.of(spec.split("\n", -1)));
    int at = random.nextInt(spec.length() + 1);
    switch (random.nextInt(6)) {
      case 0 -> {
        int end = Math.min(spec.length(), at + between(1, 8));
        return spec.substring(0, at) + spec.substring(end);
      }
      case 1 -> {
        return spec.substring(0, at) + token() + spec.substring(at);
      }
      case 2 -> {
        int line = random.nextInt(lines.size());
        lines.add(line, lines.get(line));
      }
      case 3 -> {
        int a = random.nextInt(lines.size());
        int b = random.nextInt(lines.size());
        String swap = lines.get(a);
        lines.set(a, lines.get(b));
        lines.set(b, swap);
      }
      case 4 -> {
        int line = random.nextInt(lines.size());
        String value = java.util.regex.Matcher.quoteReplacement(token());
        lines.set(line, lines.get(line).replaceFirst(":.*", ": " + value));
      }
      default -> {
        int line = random.nextInt(lines.size());
        lines.set(line, "  ".repeat(between(0, 3)) + lines.get(line).stripLeading());
      }
    }
    return String.join("\n", lines);
  }
}
