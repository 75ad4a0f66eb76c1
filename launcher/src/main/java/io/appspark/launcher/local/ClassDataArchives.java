package io.appspark.launcher.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Class-data sharing for the Spark daemons: the first master and worker of an installation record
 * the classes they load into an archive when they exit; later ones map that archive instead of
 * loading and verifying thousands of classes again, so they start faster.
 *
 * <p>An archive is only valid for one JDK and one exact class path, so the directory is keyed by
 * both (see {@link Installation#classDataDirectory()}); a JVM that finds a mismatched archive
 * ignores it. Archives are recorded under a unique name and promoted once complete, so clusters
 * side by side never read a half-written one.
 */
public final class ClassDataArchives {
  private final Path directory;

  public ClassDataArchives(Path directory) {
    this.directory = directory;
  }

  /** No archives: for processes that are not daemons. */
  public static ClassDataArchives disabled() {
    return new ClassDataArchives(null);
  }

  /** JVM options for a daemon of this role ({@code master} or {@code worker}). */
  public List<String> jvmOptions(String role) {
    if (directory == null) {
      return List.of();
    }
    Path archive = archive(role);
    if (Files.isRegularFile(archive)) {
      return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      return List.of();
    }
    return List.of(
        "-XX:ArchiveClassesAtExit="
            + directory.resolve(role + "-" + UUID.randomUUID() + ".recording"));
  }

  /** After daemons have exited: make a finished recording the archive of its role. */
  public void promoteRecordings() {
    if (directory == null || !Files.isDirectory(directory)) {
      return;
    }
    try (Stream<Path> files = Files.list(directory)) {
      for (Path recording : files.filter(p -> p.toString().endsWith(".recording")).toList()) {
        String name = String.valueOf(recording.getFileName());
        Path archive = archive(name.substring(0, name.indexOf('-')));
        if (!Files.exists(archive) && Files.size(recording) > 0) {
          moveAtomically(recording, archive);
        } else {
          Files.deleteIfExists(recording);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot promote class-data archives in " + directory, e);
    }
  }

  private Path archive(String role) {
    return directory.resolve(role + ".jsa");
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }
}
