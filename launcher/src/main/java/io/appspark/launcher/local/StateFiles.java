package io.appspark.launcher.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.appspark.client.ClusterConnection;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** Reads and atomically writes a local cluster's state files. */
public final class StateFiles {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ClusterLayout layout;

  public StateFiles(ClusterLayout layout) {
    this.layout = layout;
  }

  /** Indented JSON, as the CLI prints with --json. */
  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Optional<ClusterState> read() {
    try {
      return Optional.of(JSON.readValue(Files.readString(layout.stateFile()), ClusterState.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + layout.stateFile(), e);
    }
  }

  public void write(ClusterState state) {
    try {
      writeAtomically(layout.stateFile(), JSON.writeValueAsString(state), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + layout.stateFile(), e);
    }
  }

  public void writeConnection(ClusterConnection connection) {
    StringWriter text = new StringWriter();
    try {
      connection.writeTo(text);
      writeAtomically(layout.connectionFile(), text.toString(), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + layout.connectionFile(), e);
    }
  }

  public void writeControlToken(String token) {
    writeAtomically(layout.controlTokenFile(), token, true);
  }

  /**
   * Writes the cluster's secret as a Spark properties file (mode 0600 from its creation on), which
   * the cluster's drivers read through {@code --properties-file} and clients through {@link
   * io.appspark.client.SparkAuth}.
   */
  public void writeAuthSecret(AuthSecret secret) {
    writeAtomically(
        layout.authSecretFile(),
        io.appspark.client.SparkAuth.SECRET + "=" + secret.value() + "\n",
        true);
  }

  public Optional<String> controlToken() {
    try {
      return Optional.of(Files.readString(layout.controlTokenFile()).trim());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + layout.controlTokenFile(), e);
    }
  }

  /** Removes what says "this cluster runs"; logs stay for whoever investigates. */
  public void removeRunningState() {
    try {
      Files.deleteIfExists(layout.connectionFile());
      Files.deleteIfExists(layout.controlTokenFile());
      Files.deleteIfExists(layout.authSecretFile());
      Files.deleteIfExists(layout.stateFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + layout.root(), e);
    }
  }

  private static void writeAtomically(Path target, String content, boolean ownerOnly) {
    try {
      Path dir = target.toAbsolutePath().resolveSibling(".").normalize();
      Files.createDirectories(dir);
      Path tmp =
          Files.createTempFile(
              dir, "." + target.toAbsolutePath().normalize().toString().hashCode(), ".tmp");
      if (ownerOnly) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      }
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
