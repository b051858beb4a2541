package io.purefuse.backend.alluxio;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.ListOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ListStatus consumed as a stream, and resumption by offset and name. */
class WorkerListingTest {
  @TempDir Path tmp;
  Path ufs;
  TestCluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    ufs = tmp.toRealPath();
    cluster = new TestCluster(ufs);
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  @Test
  void aHundredThousandEntriesAreStreamedNotBuffered() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 1000);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    Path dir = Files.createDirectory(ufs.resolve("big"));
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      Files.createFile(dir.resolve(String.format("entry-%06d", i)));
    }
    try (DirectoryListing l = b.listStatus(AlluxioPath.of("/big"))) {
      for (int i = 0; i < 10; i++) {
        assertThat(l.next()).isNotNull();
      }
      Thread.sleep(500);
      // The worker sends only what the client's flow control asks for: a few batches, not 100.
      int sentWhilePaused = w.listBatchesSent.get();
      System.out.println("list batches sent while the client paused: " + sentWhilePaused + " of " + n / 1000);
      assertThat(sentWhilePaused).isLessThan(25);
      Set<String> names = new HashSet<>();
      int count = 10;
      FileStatus st;
      while ((st = l.next()) != null) {
        names.add(st.name());
        count++;
        assertThat(l.position()).isEqualTo(count);
      }
      assertThat(count).isEqualTo(n);
      assertThat(names).hasSize(n - 10);
    }
    assertThat(w.listBatchesSent.get()).isEqualTo(n / 1000);
  }

  @Test
  void listingResumesByOffsetAndName() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 3);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    Path dir = Files.createDirectory(ufs.resolve("d"));
    for (String s : List.of("a", "b", "c", "d", "e", "f", "g")) {
      Files.createFile(dir.resolve(s));
    }
    AlluxioPath d = AlluxioPath.of("/d");
    assertThat(names(b, d, ListOptions.fromOffset(4))).containsExactly("e", "f", "g");
    assertThat(names(b, d, ListOptions.startAfter("c"))).containsExactly("d", "e", "f", "g");
    assertThat(names(b, d, ListOptions.resume(3, "c"))).containsExactly("d", "e", "f", "g");
    // "b" was removed: the entry at offset 3 is now "e"; resume after "c", which moved up.
    Files.delete(dir.resolve("b"));
    assertThat(names(b, d, ListOptions.resume(3, "c"))).containsExactly("d", "e", "f", "g");
    // "c" is gone as well: resume at the offset.
    Files.delete(dir.resolve("c"));
    assertThat(names(b, d, ListOptions.resume(3, "c"))).containsExactly("f", "g");
    // An entry was added before: the name is found further on.
    Files.createFile(dir.resolve("0"));
    assertThat(names(b, d, ListOptions.resume(2, "d"))).containsExactly("e", "f", "g");
    assertThat(w.calls("ListStatus").size()).isGreaterThanOrEqualTo(6);
  }

  private static List<String> names(AlluxioWorkerBackend b, AlluxioPath dir, ListOptions o) throws Exception {
    List<String> out = new ArrayList<>();
    try (DirectoryListing l = b.listStatus(dir, o)) {
      FileStatus st;
      while ((st = l.next()) != null) {
        out.add(st.name());
      }
    }
    return out;
  }
}
