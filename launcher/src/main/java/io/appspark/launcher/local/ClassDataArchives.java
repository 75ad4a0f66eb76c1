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
 *
 * <p>Each rebuild or upgrade of the Spark jars makes a new directory (about 100 MB), so a directory
 * no cluster has used for {@link #UNUSED_FOR} is removed: using one marks it (its modification
 * time), and {@link #promoteRecordings} clears out the stale ones beside it.
 */
public final class ClassDataArchives {
  static final java.time.Duration UNUSED_FOR = java.time.Duration.ofDays(14);

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
      markUsed();
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

  /**
   * After daemons have exited: make a finished recording the archive of its role, and remove the
   * archive directories of other jar sets that no cluster has used for {@link #UNUSED_FOR}.
   */
  public void promoteRecordings() {
    if (directory == null || !Files.isDirectory(directory)) {
      return;
    }
    removeStaleSiblings(java.time.Instant.now().minus(UNUSED_FOR));
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

  /** Removes sibling archive directories last used before {@code cutoff}; never this one. */
  void removeStaleSiblings(java.time.Instant cutoff) {
    Path parent = directory.getParent();
    if (parent == null) {
      return;
    }
    try (Stream<Path> siblings = Files.list(parent)) {
      for (Path sibling : siblings.toList()) {
        if (!sibling.equals(directory)
            && String.valueOf(sibling.getFileName()).startsWith("spark-")
            && Files.isDirectory(sibling)
            && Files.getLastModifiedTime(sibling).toInstant().isBefore(cutoff)) {
          deleteTree(sibling);
        }
      }
    } catch (IOException e) {
      // a cache clean-up is never worth failing a cluster's stop: the next stop tries again
    }
  }

  private void markUsed() {
    try {
      Files.setLastModifiedTime(
          directory, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
    } catch (IOException e) {
      // read-only cache: the archive still serves, it only cannot be marked
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
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
