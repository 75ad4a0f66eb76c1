package io.appspark.launcher.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.appspark.launcher.LauncherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The supervisor's control API, on loopback only, for other shells and the autoscaler. Every
 * request must carry the token from the cluster's {@code control.token} (owner-readable only).
 *
 * <ul>
 *   <li>{@code GET /v1/state}: the cluster state
 *   <li>{@code POST /v1/scale?workers=N}: set the number of workers
 *   <li>{@code POST /v1/retire?workers=worker-3,worker-4}: retire these workers gracefully
 *   <li>{@code POST /v1/shutdown}: stop the cluster
 * </ul>
 */
public final class ControlServer implements AutoCloseable {
  public static final String TOKEN_HEADER = "X-Appspark-Token";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpServer server;
  private final LocalCluster cluster;
  private final byte[] token;
  private final Runnable onShutdown;

  private ControlServer(
      HttpServer server, LocalCluster cluster, String token, Runnable onShutdown) {
    this.server = server;
    this.cluster = cluster;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.onShutdown = onShutdown;
  }

  public static ControlServer start(LocalCluster cluster, StateFiles files, Runnable onShutdown) {
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      byte[] random = new byte[32];
      RANDOM.nextBytes(random);
      String token = HexFormat.of().formatHex(random);
      files.writeControlToken(token);
      ControlServer control = new ControlServer(http, cluster, token, onShutdown);
      http.createContext("/v1/", control::handle);
      http.setExecutor(
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "appspark-control");
                t.setDaemon(true);
                return t;
              }));
      http.start();
      cluster.setControlPort(http.getAddress().getPort());
      return control;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the control API", e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorized(exchange)) {
        respond(exchange, 401, "{\"error\":\"missing or wrong " + TOKEN_HEADER + "\"}");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      switch (method + " " + path) {
        case "GET /v1/state" -> respondState(exchange, cluster.state());
        case "POST /v1/scale" ->
            respondState(exchange, cluster.scaleTo(intParam(query, "workers")));
        case "POST /v1/retire" ->
            respondState(exchange, cluster.retire(ordinals(query.get("workers"))));
        case "POST /v1/shutdown" -> {
          respond(exchange, 202, "{\"stopping\":true}");
          onShutdown.run();
        }
        default ->
            respond(
                exchange, 404, "{\"error\":\"no such operation: " + method + " " + path + "\"}");
      }
    } catch (LauncherException | IllegalArgumentException e) {
      respond(exchange, 400, StateFiles.JSON.writeValueAsString(Map.of("error", e.getMessage())));
    } catch (RuntimeException e) {
      respond(exchange, 500, StateFiles.JSON.writeValueAsString(Map.of("error", e.toString())));
    }
  }

  private boolean authorized(HttpExchange exchange) {
    String given =
        Optional.ofNullable(exchange.getRequestHeaders().getFirst(TOKEN_HEADER)).orElse("");
    return MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
  }

  private static int intParam(Map<String, String> query, String name) {
    String value = query.get(name);
    if (value == null || !value.matches("\\d{1,4}")) {
      throw new IllegalArgumentException(name + ": must be a whole number; got " + value);
    }
    return Integer.parseInt(value);
  }

  static List<Integer> ordinals(String workers) {
    if (workers == null || workers.isBlank()) {
      throw new IllegalArgumentException(
          "workers: name the workers to retire, e.g. workers=worker-3,worker-4");
    }
    return Arrays.stream(workers.split(","))
        .map(String::trim)
        .map(
            id -> {
              if (!id.matches("worker-\\d{1,6}")) {
                throw new IllegalArgumentException(
                    "workers: '" + id + "' is not a worker id like worker-3");
              }
              return Integer.parseInt(id.substring("worker-".length()));
            })
        .toList();
  }

  private static Map<String, String> query(String raw) {
    if (raw == null || raw.isEmpty()) {
      return Map.of();
    }
    return Arrays.stream(raw.split("&"))
        .map(kv -> kv.split("=", 2))
        .collect(
            Collectors.toMap(
                kv -> java.net.URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                kv ->
                    kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "",
                (a, b) -> b));
  }

  private static void respondState(HttpExchange exchange, ClusterState state) throws IOException {
    respond(exchange, 200, StateFiles.JSON.writeValueAsString(state));
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
