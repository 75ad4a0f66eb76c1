package io.appspark.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchivesTest {
  @TempDir Path cache;

  @Test
  void aFirstDaemonRecordsAndALaterOneMapsThePromotedArchive() throws Exception {
    Path dir = cache.resolve("spark-current");
    ClassDataArchives archives = new ClassDataArchives(dir);

    String recordOption = archives.jvmOptions("worker").get(0);
    assertThat(recordOption).startsWith("-XX:ArchiveClassesAtExit=" + dir.resolve("worker-"));
    Files.writeString(Path.of(recordOption.substring(recordOption.indexOf('=') + 1)), "classes");
    archives.promoteRecordings();

    assertThat(archives.jvmOptions("worker"))
        .containsExactly("-XX:SharedArchiveFile=" + dir.resolve("worker.jsa"), "-Xshare:auto");
    assertThat(archives.jvmOptions("master").get(0)).startsWith("-XX:ArchiveClassesAtExit=");
  }

  @Test
  void anEmptyRecordingOfAKilledDaemonIsDroppedNotPromoted() throws Exception {
    Path dir = Files.createDirectories(cache.resolve("spark-current"));
    Files.createFile(dir.resolve("worker-1234.recording"));

    new ClassDataArchives(dir).promoteRecordings();

    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void archivesOfOtherJarSetsUnusedForTwoWeeksAreRemovedAndRecentOnesKept() throws Exception {
    Path current = Files.createDirectories(cache.resolve("spark-current"));
    Path stale = Files.createDirectories(cache.resolve("spark-stale"));
    Files.writeString(stale.resolve("worker.jsa"), "old");
    Path recent = Files.createDirectories(cache.resolve("spark-recent"));
    Path unrelated = Files.createDirectories(cache.resolve("kubernetes-v1"));
    Instant longAgo = Instant.now().minus(ClassDataArchives.UNUSED_FOR).minus(Duration.ofDays(1));
    for (Path p : new Path[] {current, stale, unrelated}) {
      Files.setLastModifiedTime(p, FileTime.from(longAgo));
    }

    new ClassDataArchives(current).promoteRecordings();

    assertThat(stale).doesNotExist();
    assertThat(current).exists();
    assertThat(recent).exists();
    assertThat(unrelated).exists();
  }

  @Test
  void usingAnArchiveMarksItsDirectorySoItIsNotTakenForStale() throws Exception {
    Path dir = Files.createDirectories(cache.resolve("spark-current"));
    Files.writeString(dir.resolve("master.jsa"), "classes");
    Instant longAgo = Instant.now().minus(Duration.ofDays(30));
    Files.setLastModifiedTime(dir, FileTime.from(longAgo));

    new ClassDataArchives(dir).jvmOptions("master");

    assertThat(Files.getLastModifiedTime(dir).toInstant())
        .isAfter(longAgo.plus(Duration.ofDays(29)));
  }
}
