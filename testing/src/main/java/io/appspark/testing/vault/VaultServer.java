package io.appspark.testing.vault;

import io.appspark.testing.ServerProcesses;
import io.github.jopenlibs.vault.SslConfig;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A Vault dev server on a free loopback port with TLS (its own CA, written by Vault into a
 * temporary directory), and admin helpers that set it up the way a platform team would: engines,
 * policies, auth methods. Closing stops the process and removes the directory; a shutdown hook does
 * the same when the JVM ends without closing.
 */
public final class VaultServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private final Process process;
  private final Path dir;
  private final String address;
  private final String rootToken;
  private final Thread shutdownHook;

  private VaultServer(Process process, Path dir, String address, String rootToken) {
    this.process = process;
    this.dir = dir;
    this.address = address;
    this.rootToken = rootToken;
    this.shutdownHook = new Thread(this::stop, "vault-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  static VaultServer start(Path buildScript) {
    return start(buildScript, "127.0.0.1");
  }

  /**
   * A server of its own listening on {@code host} (an address of this machine, e.g. the real node's
   * address on the pod bridge, so that pods reach it) instead of loopback; its certificate names
   * that address. Close it when done.
   */
  public static VaultServer listeningOn(String host) {
    return start(VaultExtension.buildScript(), host);
  }

  private static VaultServer start(Path buildScript, String host) {
    try {
      Path binary = binary(buildScript);
      Path dir = Files.createTempDirectory("appspark-vault-");
      Path tls =
          Files.createDirectory(dir.resolve("tls")); // Vault writes its CA there, not creates it
      int port = freePort();
      String rootToken = "root-" + UUID.randomUUID();
      Process process =
          new ProcessBuilder(
                  List.of(
                      binary.toString(),
                      "server",
                      "-dev",
                      "-dev-tls",
                      "-dev-tls-cert-dir=" + tls,
                      "-dev-listen-address=" + host + ":" + port,
                      "-dev-tls-san=" + host,
                      "-dev-root-token-id=" + rootToken,
                      "-dev-no-store-token",
                      "-log-level=debug"))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("vault.log").toFile())
              .start();
      VaultServer server = new VaultServer(process, dir, "https://" + host + ":" + port, rootToken);
      server.awaitReady();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Vault", e);
    }
  }

  private static Path binary(Path buildScript) throws IOException {
    Process print =
        new ProcessBuilder(buildScript.toString(), "--print-env").redirectErrorStream(true).start();
    String out = new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!print.waitFor(60, TimeUnit.SECONDS) || print.exitValue() != 0) {
        throw new IllegalStateException(
            "the Vault binary is not built: run "
                + buildScript
                + " first (once; idempotent, cached under ~/.cache/appspark)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return out.lines()
        .filter(l -> l.startsWith("VAULT_BIN="))
        .map(l -> Path.of(l.substring("VAULT_BIN=".length()), "vault"))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("build.sh --print-env said: " + out));
  }

  private void awaitReady() throws IOException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Vault exited with " + process.exitValue() + ":\n" + Files.readString(log()));
      }
      if (Files.isReadable(caCertificate())) {
        try {
          admin().auth().lookupSelf();
          return;
        } catch (VaultException notYet) {
          // the listener is not up yet
        }
      }
      if (Instant.now().isAfter(deadline)) {
        stop();
        throw new IllegalStateException(
            "Vault did not answer within " + START_TIMEOUT + ":\n" + Files.readString(log()));
      }
      try {
        process.waitFor(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** {@code https://127.0.0.1:<port>}, or the host it was started on. */
  public String address() {
    return address;
  }

  public String rootToken() {
    return rootToken;
  }

  /** The PEM file of the CA that signed the server's certificate. */
  public Path caCertificate() {
    return dir.resolve("tls/vault-ca.pem");
  }

  public Path log() {
    return dir.resolve("vault.log");
  }

  /** A client with the root token. */
  public Vault admin() {
    return client(rootToken);
  }

  /** A client with the given token (null: none, for logins). */
  public Vault client(String token) {
    try {
      VaultConfig config =
          new VaultConfig()
              .address(address)
              .engineVersion(1)
              .sslConfig(new SslConfig().pemFile(caCertificate().toFile()).build());
      if (token != null) {
        config.token(token);
      }
      return Vault.create(config.build(), 1);
    } catch (VaultException e) {
      throw new IllegalStateException("cannot configure a Vault client", e);
    }
  }

  /** Writes to a path with the root token (sys/..., auth/..., a secret). */
  public void write(String path, Map<String, Object> data) {
    try {
      admin().logical().write(path, data);
    } catch (VaultException e) {
      throw new IllegalStateException(
          "Vault refused the write to " + path + ": " + e.getMessage(), e);
    }
  }

  /** Writes a KV v2 secret at {@code <mount>/data/<name>}. */
  public void putKv2(String mount, String name, Map<String, String> data) {
    JsonObject inner = Json.object();
    data.forEach(inner::add);
    write(mount + "/data/" + name, Map.of("data", inner));
  }

  /** Enables a secrets engine (idempotent for this run's purposes: a mount that exists is kept). */
  public void mount(String path, String type, Map<String, String> options) {
    JsonObject opts = Json.object();
    options.forEach(opts::add);
    try {
      admin().logical().write("sys/mounts/" + path, Map.of("type", type, "options", opts));
    } catch (VaultException e) {
      if (e.getHttpStatusCode() != 400) {
        throw new IllegalStateException("cannot mount " + path + ": " + e.getMessage(), e);
      }
    }
  }

  /** Enables an auth method at {@code auth/<path>} (kept when it exists). */
  public void enableAuth(String path, String type) {
    try {
      admin().logical().write("sys/auth/" + path, Map.of("type", type));
    } catch (VaultException e) {
      if (e.getHttpStatusCode() != 400) {
        throw new IllegalStateException("cannot enable auth " + path + ": " + e.getMessage(), e);
      }
    }
  }

  /** Creates or replaces an ACL policy. */
  public void policy(String name, String hcl) {
    write("sys/policies/acl/" + name, Map.of("policy", hcl));
  }

  /** A new token with the given policies and time to live. */
  public String token(List<String> policies, String ttl) {
    try {
      var request =
          new io.github.jopenlibs.vault.api.Auth.TokenRequest().polices(policies).ttl(ttl);
      return admin().auth().createToken(request).getAuthClientToken();
    } catch (VaultException e) {
      throw new IllegalStateException("cannot create a token: " + e.getMessage(), e);
    }
  }

  /** Revokes a token. */
  public void revoke(String token) {
    try {
      admin().logical().write("auth/token/revoke", Map.of("token", token));
    } catch (VaultException e) {
      throw new IllegalStateException("cannot revoke a token: " + e.getMessage(), e);
    }
  }

  /** Reads a field of a response's {@code data} at a path, with the root token. */
  public String readField(String path, String field) {
    try {
      return admin().logical().read(path).getDataObject().get(field).asString();
    } catch (VaultException e) {
      throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs stop() itself
    }
    stop();
  }

  /** Vault's own log, kept in the module's target directory for a look after a failed run. */
  private void keepLog() {
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      try {
        Files.copy(
            dir.resolve("vault.log"),
            target.resolve("vault-" + address.substring(address.lastIndexOf(':') + 1) + ".log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        // the log is a convenience; the test's outcome does not depend on it
      }
    }
  }

  private synchronized void stop() {
    ServerProcesses.stop(process);
    keepLog();
    try {
      ServerProcesses.removeTree(dir);
    } catch (UncheckedIOException e) {
      System.err.println("vault: " + e.getMessage() + ": " + e.getCause());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
