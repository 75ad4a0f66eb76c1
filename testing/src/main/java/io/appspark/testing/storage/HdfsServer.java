package io.appspark.testing.storage;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Hadoop's in-process HDFS (MiniDFSCluster: a NameNode and one DataNode) in a JVM of its own on
 * loopback, started by Hadoop's {@code MiniHadoopClusterManager} without YARN. Simple
 * authentication: a client is whoever it says it is. The test reads the namespace over WebHDFS, so
 * it needs no Hadoop client.
 */
public final class HdfsServer implements AutoCloseable {
  private static final String NAME = "hdfs";
  private static final Pattern SUFFIX = Pattern.compile("\"pathSuffix\"\\s*:\\s*\"([^\"]*)\"");

  private final ServerProcess process;
  private final int rpcPort;
  private final int httpPort;

  private HdfsServer(ServerProcess process, int rpcPort, int httpPort) {
    this.process = process;
    this.rpcPort = rpcPort;
    this.httpPort = httpPort;
  }

  /** Starts the NameNode and a DataNode; returns once the cluster is active. */
  public static HdfsServer start() {
    Path dir = ServerProcess.newDirectory(NAME);
    int rpcPort = ServerProcess.freePort();
    int httpPort = ServerProcess.freePort();
    Path details = dir.resolve("details.json");
    ServerProcess process =
        ServerProcess.start(
            NAME,
            dir,
            List.of(
                "-Dtest.build.data=" + dir.resolve("data"),
                "org.apache.hadoop.mapreduce.MiniHadoopClusterManager",
                "-nomr",
                "-format",
                "-datanodes",
                "1",
                "-nnport",
                Integer.toString(rpcPort),
                "-nnhttpport",
                Integer.toString(httpPort),
                "-writeDetails",
                details.toString()),
            () -> Files.exists(details));
    return new HdfsServer(process, rpcPort, httpPort);
  }

  /** {@code hdfs://127.0.0.1:<port>}, the file system's URI. */
  public String uri() {
    return "hdfs://127.0.0.1:" + rpcPort;
  }

  /** The names in directory {@code path} (absolute), as WebHDFS lists them. */
  public List<String> list(String path) {
    URI uri =
        URI.create(
            "http://127.0.0.1:" + httpPort + "/webhdfs/v1" + path + "?op=LISTSTATUS&user.name=it");
    HttpResponse<String> response =
        ServerProcess.send(
            HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "WebHDFS LISTSTATUS " + path + ": HTTP " + response.statusCode() + " " + response.body());
    }
    Matcher m = SUFFIX.matcher(response.body());
    Stream.Builder<String> names = Stream.builder();
    while (m.find()) {
      names.add(m.group(1));
    }
    return names.build().sorted().toList();
  }

  public Path log() {
    return process.dir().resolve(NAME + ".log");
  }

  @Override
  public void close() {
    process.close();
  }
}
