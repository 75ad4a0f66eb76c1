package io.appspark.testing.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * An S3-compatible server (s3proxy with its filesystem backend) on a free loopback port, accepting
 * AWS signatures made with one access/secret key pair. Objects are plain files under {@link
 * #storeDir()}, so a test can see what was written without an S3 client of its own.
 */
public final class S3Server implements AutoCloseable {
  private static final String NAME = "s3proxy";

  private final ServerProcess process;
  private final String endpoint;

  private S3Server(ServerProcess process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /** Starts a server with the given credentials and one empty bucket per name. */
  public static S3Server start(String accessKey, String secretKey, List<String> buckets) {
    return start("127.0.0.1", accessKey, secretKey, buckets);
  }

  /**
   * The same on {@code host} (an address of this machine, e.g. the real node's address on the pod
   * bridge, so that executors in pods reach it) instead of loopback.
   */
  public static S3Server start(
      String host, String accessKey, String secretKey, List<String> buckets) {
    Path dir = ServerProcess.newDirectory(NAME);
    String endpoint = "http://" + host + ":" + ServerProcess.freePort();
    try {
      Path store = Files.createDirectories(dir.resolve("store"));
      for (String bucket : buckets) {
        Files.createDirectories(store.resolve(bucket));
      }
      Path conf = dir.resolve("s3proxy.properties");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "s3proxy.endpoint=" + endpoint,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + accessKey,
              "s3proxy.credential=" + secretKey,
              "jclouds.provider=filesystem",
              "jclouds.filesystem.basedir=" + store,
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpClient http = HttpClient.newHttpClient();
    ServerProcess process =
        ServerProcess.start(
            NAME,
            dir,
            List.of("org.gaul.s3proxy.Main", "--properties", "s3proxy.properties"),
            () -> answers(http, endpoint));
    return new S3Server(process, endpoint);
  }

  /** Any HTTP answer (an anonymous request is refused) means the server listens. */
  private static boolean answers(HttpClient http, String endpoint) {
    try {
      http.send(
          HttpRequest.newBuilder(URI.create(endpoint + "/")).build(),
          HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** {@code http://127.0.0.1:<port>}, for {@code fs.s3a.endpoint} with path-style access. */
  public String endpoint() {
    return endpoint;
  }

  /** Where the filesystem backend keeps buckets (directories) and objects (files). */
  public Path storeDir() {
    return process.dir().resolve("store");
  }

  /** The keys of the objects in {@code bucket} whose key starts with {@code prefix}. */
  public List<String> objectKeys(String bucket, String prefix) {
    Path root = storeDir().resolve(bucket);
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .filter(k -> k.startsWith(prefix))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The HTTP status of an unsigned GET of an object: a server that checks signatures refuses it.
   */
  public int anonymousGetStatus(String bucket, String key) {
    return ServerProcess.send(
            HttpRequest.newBuilder(URI.create(endpoint + "/" + bucket + "/" + key)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  public Path log() {
    return process.dir().resolve(NAME + ".log");
  }

  @Override
  public void close() {
    process.close();
  }
}
