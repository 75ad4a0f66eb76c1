package io.appspark.examples;

import io.appspark.client.AppSpark;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSession;

/**
 * Shows where secret settings went without showing them: for each key given, the SHA-256 of its
 * value as the driver and as the executors see it, then the driver UI's environment page (its REST
 * form) as Spark serves it, which must show those keys redacted. Prints {@code HASH key driver=...
 * executors=...} lines and {@code ENVIRONMENT <json>}.
 *
 * <p>Arguments: {@code key...}.
 */
public final class SecretSettingsProbe {
  private SecretSettingsProbe() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    SparkSession spark = AppSpark.sessionBuilder("appspark-secret-settings-probe").getOrCreate();
    try {
      List<String> keys = List.of(args);
      List<String> onExecutors =
          spark
              .range(0, 2, 1, 2)
              .javaRDD()
              .map(
                  i ->
                      keys.stream()
                          .map(k -> k + "=" + sha256(SparkEnv.get().conf().get(k, "")))
                          .toList()
                          .toString())
              .distinct()
              .collect();
      for (String key : keys) {
        String driver = sha256(spark.sparkContext().getConf().get(key, ""));
        List<String> executors =
            onExecutors.stream()
                .map(
                    line ->
                        line.replaceAll(
                            ".*" + java.util.regex.Pattern.quote(key) + "=(\\w+).*", "$1"))
                .distinct()
                .toList();
        System.out.println("HASH " + key + " driver=" + driver + " executors=" + executors);
      }
      System.out.println("ENVIRONMENT " + environment(spark));
    } finally {
      spark.stop();
    }
  }

  private static String environment(SparkSession spark) throws IOException, InterruptedException {
    String ui = spark.sparkContext().uiWebUrl().get();
    String id = spark.sparkContext().applicationId();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(ui + "/api/v1/applications/" + id + "/environment"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body().replace('\n', ' ');
  }

  static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
