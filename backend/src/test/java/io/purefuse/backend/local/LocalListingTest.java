package io.purefuse.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.ListOptions;
import io.purefuse.backend.NotDirectoryException;
import io.purefuse.backend.NotFoundException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalListingTest {
  @TempDir Path rootDir;
  LocalUnderFileSystem fs;

  @BeforeEach
  void setUp() throws Exception {
    fs = LocalUnderFileSystem.open(rootDir);
  }

  @AfterEach
  void tearDown() {
    fs.close();
  }

  static List<String> names(DirectoryListing l) throws BackendException {
    List<String> out = new ArrayList<>();
    for (FileStatus s; (s = l.next()) != null; ) {
      out.add(s.name());
    }
    return out;
  }

  List<String> list(String dir, ListOptions o) throws Exception {
    try (DirectoryListing l = fs.listStatus(AlluxioPath.of(dir), o)) {
      return names(l);
    }
  }

  @Test
  void listsWithFullStatusAndErrors() throws Exception {
    Files.createDirectory(rootDir.resolve("d"));
    Files.write(rootDir.resolve("d/f"), new byte[42]);
    Files.createDirectory(rootDir.resolve("d/sub"));
    Files.createSymbolicLink(rootDir.resolve("d/l"), Path.of("f"));
    try (DirectoryListing l = fs.listStatus(AlluxioPath.of("/d"))) {
      List<FileStatus> all = new ArrayList<>();
      for (FileStatus s; (s = l.next()) != null; ) {
        all.add(s);
        assertThat(l.position()).isEqualTo(all.size());
      }
      assertThat(l.next()).isNull();
      assertThat(all).extracting(FileStatus::name).containsExactlyInAnyOrder("f", "sub", "l");
      for (FileStatus s : all) {
        assertThat(s.path()).isEqualTo(AlluxioPath.of("/d/" + s.name()));
        switch (s.name()) {
          case "f" -> assertThat(s.length()).isEqualTo(42);
          case "sub" -> assertThat(s.isDirectory()).isTrue();
          default -> assertThat(s.symlinkTarget()).isEqualTo("f");
        }
      }
    }
    assertThat(list("/d/sub", ListOptions.defaults())).isEmpty();
    assertThatThrownBy(() -> fs.listStatus(AlluxioPath.of("/nope"))).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> fs.listStatus(AlluxioPath.of("/d/f"))).isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> fs.listStatus(AlluxioPath.of("/d/l"))).isInstanceOf(NotDirectoryException.class);
    DirectoryListing closed = fs.listStatus(AlluxioPath.of("/d"));
    closed.close();
    closed.close();
    assertThatThrownBy(closed::next).isInstanceOf(BackendException.class);
  }

  @Test
  void resumesByOffsetAndName() throws Exception {
    Files.createDirectory(rootDir.resolve("d"));
    for (int i = 0; i < 20; i++) {
      Files.createFile(rootDir.resolve("d/e" + i));
    }
    List<String> all = list("/d", ListOptions.defaults());
    assertThat(all).hasSize(20);

    assertThat(list("/d", ListOptions.fromOffset(5))).isEqualTo(all.subList(5, 20));
    assertThat(list("/d", ListOptions.fromOffset(20))).isEmpty();
    assertThat(list("/d", ListOptions.fromOffset(100))).isEmpty();
    assertThat(list("/d", ListOptions.startAfter(all.get(4)))).isEqualTo(all.subList(5, 20));
    assertThat(list("/d", ListOptions.startAfter("not-there"))).isEqualTo(all);
    assertThat(list("/d", ListOptions.resume(5, all.get(4)))).isEqualTo(all.subList(5, 20));

    // position() is the cookie to resume after each entry
    try (DirectoryListing l = fs.listStatus(AlluxioPath.of("/d"), ListOptions.resume(3, all.get(2)))) {
      FileStatus s = l.next();
      assertThat(s.name()).isEqualTo(all.get(3));
      assertThat(l.position()).isEqualTo(4);
    }

    // An earlier entry vanished: the name finds the right place again.
    Files.delete(rootDir.resolve("d").resolve(all.get(1)));
    List<String> rest = list("/d", ListOptions.resume(10, all.get(9)));
    assertThat(rest).isEqualTo(all.subList(10, 20));
    // The named entry itself vanished: fall back to the offset.
    Files.delete(rootDir.resolve("d").resolve(all.get(9)));
    List<String> now = list("/d", ListOptions.defaults());
    assertThat(list("/d", ListOptions.resume(9, all.get(9)))).isEqualTo(now.subList(9, now.size()));
  }

  @Test
  void streamsAHundredThousandEntriesInBoundedMemory() throws Exception {
    int n = 100_000;
    Path big = Files.createDirectory(rootDir.resolve("big"));
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Files.createFile(big.resolve(String.format("file-%06d", i)));
    }
    long created = System.nanoTime();

    var heap = ManagementFactory.getMemoryMXBean();
    System.gc();
    long before = heap.getHeapMemoryUsage().getUsed();
    long maxGrowth = 0;
    BitSet seen = new BitSet(n);
    int count = 0;
    try (DirectoryListing l = fs.listStatus(AlluxioPath.of("/big"))) {
      for (FileStatus s; (s = l.next()) != null; ) {
        int i = Integer.parseInt(s.name().substring(5));
        assertThat(seen.get(i)).isFalse();
        seen.set(i);
        count++;
        if (count % 25_000 == 0) {
          System.gc();
          maxGrowth = Math.max(maxGrowth, heap.getHeapMemoryUsage().getUsed() - before);
        }
      }
      assertThat(l.position()).isEqualTo(n);
    }
    long listed = System.nanoTime();
    assertThat(count).isEqualTo(n);
    assertThat(seen.cardinality()).isEqualTo(n);
    // 100k FileStatus objects would be tens of MB; a streaming listing keeps a few KB.
    assertThat(maxGrowth).as("heap growth while listing").isLessThan(16L << 20);
    assertThat((listed - created) / 1_000_000).as("ms to list").isLessThan(30_000);

    // Resuming deep into the directory works too.
    try (DirectoryListing l = fs.listStatus(AlluxioPath.of("/big"), ListOptions.fromOffset(n - 3))) {
      assertThat(names(l)).hasSize(3);
    }
    System.out.printf("100k entries: create %d ms, list %d ms, heap growth %d KiB%n",
        (created - t0) / 1_000_000, (listed - created) / 1_000_000, maxGrowth >> 10);
  }
}
