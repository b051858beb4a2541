package io.purefuse.backend.alluxio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.RenameOptions;
import io.purefuse.backend.UnsupportedException;
import io.purefuse.backend.cache.CacheIdentity;
import io.purefuse.backend.cache.ClientCache;
import io.purefuse.backend.cache.ClientCacheConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client-side data cache over a real (recording) worker on loopback: what is kept, that the
 * worker sees no ReadBlock for a cached version, that a changed file is read anew, the size
 * bound, invalidation through this client, shared fills and restart.
 */
class ClientCacheTest {
  static final int MIB = 1 << 20;
  static final int KERNEL_READ = 128 << 10;

  @TempDir Path tmp;
  Path ufs;
  Path cacheRoot;
  TestCluster cluster;
  RecordingWorker worker;

  @BeforeEach
  void setUp() throws Exception {
    ufs = Files.createDirectories(tmp.resolve("ufs")).toRealPath();
    cacheRoot = Files.createDirectories(tmp.resolve("cache")).toRealPath();
    cluster = new TestCluster(ufs);
    worker = cluster.addWorker(true, true, 100);
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  private AlluxioWorkerBackend open(long capacity) throws BackendException {
    ClientCache cache = ClientCache.open(ClientCacheConfig.of(List.of(cacheRoot), capacity));
    cluster.membership.live = List.of(worker.info());
    cluster.backend = AlluxioWorkerBackend.open(cluster.config().build(), cluster.membership, cache);
    return cluster.backend;
  }

  private byte[] file(String name, int length, long seed) throws IOException {
    byte[] data = new byte[length];
    new Random(seed).nextBytes(data);
    Files.write(ufs.resolve(name), data);
    return data;
  }

  private static AlluxioPath p(String s) throws BackendException {
    return AlluxioPath.of(s);
  }

  /** Reads the whole file in kernel-sized pieces. */
  private static byte[] readAll(AlluxioWorkerBackend b, String path) throws BackendException {
    try (FileInStream in = b.openFile(p(path))) {
      return readAll(in);
    }
  }

  private static byte[] readAll(FileInStream in) throws BackendException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(KERNEL_READ);
    long pos = 0;
    for (int n; (n = in.read(pos, buf.clear())) > 0; pos += n) {
      out.write(buf.array(), 0, n);
    }
    return out.toByteArray();
  }

  private List<String> cacheFiles() throws IOException {
    try (Stream<Path> s = Files.list(cacheRoot.resolve("purefuse-client-cache"))) {
      return s.map(x -> x.getFileName().toString()).filter(n -> !n.equals(".lock")).sorted().toList();
    }
  }

  @Test
  void aFileReadWholeIsServedLocallyAfterwardsAndTheWorkerSeesNoSecondReadBlock() throws Exception {
    byte[] data = file("a.bin", 3 * MIB + 17, 1);
    AlluxioWorkerBackend b = open(64L * MIB);
    assertThat(b.capabilities()).contains(Capability.BACKING_FD);
    assertThat(readAll(b, "/a.bin")).isEqualTo(data);
    int readsAfterFirst = worker.readCalls.get();
    assertThat(readsAfterFirst).isPositive();
    ClientCache.Stats st = b.clientCache().stats();
    assertThat(st.fillsCommitted()).isEqualTo(1);
    assertThat(st.entries()).isEqualTo(1);
    assertThat(st.cachedBytes()).isEqualTo(data.length);
    assertThat(cacheFiles()).hasSize(1).noneMatch(n -> n.contains(".part-"));
    assertThat(Files.readAllBytes(cacheRoot.resolve("purefuse-client-cache").resolve(cacheFiles().get(0)))).isEqualTo(data);

    // Second open: the local copy, with no ReadBlock (one GetStatus to check the version).
    assertThat(readAll(b, "/a.bin")).isEqualTo(data);
    assertThat(worker.readCalls.get()).isEqualTo(readsAfterFirst);
    assertThat(b.readBlockCalls()).isEqualTo(readsAfterFirst);
    assertThat(b.clientCache().stats().bytesRead()).isEqualTo(data.length);

    // Passthrough: a read-only descriptor of that copy, with its version.
    int fd = b.openBackingFd(p("/a.bin"), false);
    try {
      assertThat(fd).isNotNegative();
      String version = b.backingVersion(fd);
      assertThat(version).isNotNull();
      assertThat(b.backingCurrent(p("/a.bin"), version)).isTrue();
      assertThat(Files.readAllBytes(Path.of("/proc/self/fd/" + fd))).isEqualTo(data);
    } finally {
      b.closeBackingFd(fd);
    }
    assertThat(worker.readCalls.get()).isEqualTo(readsAfterFirst);
    assertThatThrownBy(() -> b.openBackingFd(p("/a.bin"), true)).isInstanceOf(UnsupportedException.class);
  }

  @Test
  void aFileNotInTheCacheHasNoBackingFdAndAPartialReadKeepsNothing() throws Exception {
    byte[] data = file("p.bin", 4 * MIB, 2);
    AlluxioWorkerBackend b = open(64L * MIB);
    assertThatThrownBy(() -> b.openBackingFd(p("/p.bin"), false)).isInstanceOf(UnsupportedException.class);
    try (FileInStream in = b.openFile(p("/p.bin"))) {
      ByteBuffer buf = ByteBuffer.allocate(MIB);
      assertThat(in.read(0, buf)).isEqualTo(MIB);
      assertThat(buf.array()).isEqualTo(java.util.Arrays.copyOf(data, MIB));
      assertThat(b.clientCache().stats().fillsInProgress()).isEqualTo(1);
    }
    ClientCache.Stats st = b.clientCache().stats();
    assertThat(st.fillsDropped()).isEqualTo(1);
    assertThat(st.entries()).isZero();
    assertThat(cacheFiles()).isEmpty();
    assertThatThrownBy(() -> b.openBackingFd(p("/p.bin"), false)).isInstanceOf(UnsupportedException.class);
  }

  @Test
  void aFileChangedInTheUfsIsReadFromTheWorkerAndItsOldCopyIsDropped() throws Exception {
    Path f = ufs.resolve("c.bin");
    byte[] old = file("c.bin", 2 * MIB, 3);
    AlluxioWorkerBackend b = open(64L * MIB);
    assertThat(readAll(b, "/c.bin")).isEqualTo(old);
    int fd = b.openBackingFd(p("/c.bin"), false);
    String oldVersion = b.backingVersion(fd);
    b.closeBackingFd(fd);
    FileTime mtime = Files.getLastModifiedTime(f);

    // Same length, new bytes, a later modification time (another client wrote it).
    byte[] fresh = file("c.bin", 2 * MIB, 4);
    Files.setLastModifiedTime(f, FileTime.fromMillis(mtime.toMillis() + 2000));
    assertThat(b.backingCurrent(p("/c.bin"), oldVersion)).isFalse();
    assertThatThrownBy(() -> b.openBackingFd(p("/c.bin"), false)).isInstanceOf(UnsupportedException.class);
    int before = worker.readCalls.get();
    assertThat(readAll(b, "/c.bin")).isEqualTo(fresh);
    assertThat(worker.readCalls.get()).isGreaterThan(before);
    ClientCache.Stats st = b.clientCache().stats();
    assertThat(st.invalidations()).isGreaterThanOrEqualTo(1);
    assertThat(st.entries()).isEqualTo(1); // the new version, filled by that read
    assertThat(cacheFiles()).hasSize(1);
    assertThat(readAll(b, "/c.bin")).isEqualTo(fresh);

    // Removed in the UFS: the version check says so.
    fd = b.openBackingFd(p("/c.bin"), false);
    String v2 = b.backingVersion(fd);
    b.closeBackingFd(fd);
    Files.delete(f);
    assertThat(b.backingCurrent(p("/c.bin"), v2)).isFalse();
  }

  @Test
  void aFileChangedWhileItIsReadIsNotKept() throws Exception {
    Path f = ufs.resolve("m.bin");
    byte[] data = file("m.bin", 2 * MIB, 5);
    AlluxioWorkerBackend b = open(64L * MIB);
    try (FileInStream in = b.openFile(p("/m.bin"))) {
      ByteBuffer buf = ByteBuffer.allocate(MIB);
      assertThat(in.read(0, buf)).isEqualTo(MIB);
      Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000));
      assertThat(in.read(MIB, buf.clear())).isEqualTo(MIB);
      assertThat(buf.array()).isEqualTo(java.util.Arrays.copyOfRange(data, MIB, 2 * MIB));
    }
    assertThat(b.clientCache().stats().entries()).isZero();
    assertThat(b.clientCache().stats().fillsCommitted()).isZero();
    assertThat(cacheFiles()).isEmpty();
  }

  @Test
  void twoReadersOfOneFileShareOneFill() throws Exception {
    byte[] data = file("s.bin", 4 * MIB, 6);
    AlluxioWorkerBackend b = open(64L * MIB);
    try (FileInStream a = b.openFile(p("/s.bin")); FileInStream c = b.openFile(p("/s.bin"))) {
      ByteBuffer buf = ByteBuffer.allocate(2 * MIB);
      assertThat(a.read(0, buf)).isEqualTo(2 * MIB);
      int calls = worker.readCalls.get();
      // c's first half was filled by a: read locally, no ReadBlock.
      assertThat(c.read(0, buf.clear())).isEqualTo(2 * MIB);
      assertThat(buf.array()).isEqualTo(java.util.Arrays.copyOf(data, 2 * MIB));
      assertThat(worker.readCalls.get()).isEqualTo(calls);
      assertThat(c.read(2 * MIB, buf.clear())).isEqualTo(2 * MIB);
      assertThat(buf.array()).isEqualTo(java.util.Arrays.copyOfRange(data, 2 * MIB, 4 * MIB));
      // The second half completed the file: one fill, committed while both are open.
      ClientCache.Stats st = b.clientCache().stats();
      assertThat(st.fillsStarted()).isEqualTo(1);
      assertThat(st.fillsCommitted()).isEqualTo(1);
      // a reads its second half from the committed fill.
      int calls2 = worker.readCalls.get();
      assertThat(a.read(2 * MIB, buf.clear())).isEqualTo(2 * MIB);
      assertThat(worker.readCalls.get()).isEqualTo(calls2);
    }
    assertThat(cacheFiles()).hasSize(1);
  }

  @Test
  void theSizeBoundHoldsByEvictingTheLeastRecentlyUsed() throws Exception {
    byte[] d1 = file("1.bin", 2 * MIB, 7);
    byte[] d2 = file("2.bin", 2 * MIB, 8);
    byte[] d3 = file("3.bin", 2 * MIB, 9);
    file("big.bin", 6 * MIB, 10);
    AlluxioWorkerBackend b = open(5L * MIB);
    assertThat(readAll(b, "/1.bin")).isEqualTo(d1);
    assertThat(readAll(b, "/2.bin")).isEqualTo(d2);
    assertThat(readAll(b, "/1.bin")).isEqualTo(d1); // 1 used last: 2 is the eldest
    assertThat(readAll(b, "/3.bin")).isEqualTo(d3);
    ClientCache.Stats st = b.clientCache().stats();
    assertThat(st.evictions()).isEqualTo(1);
    assertThat(st.entries()).isEqualTo(2);
    assertThat(st.cachedBytes()).isLessThanOrEqualTo(5L * MIB);
    assertThat(cacheFiles()).hasSize(2);
    int fd = b.openBackingFd(p("/1.bin"), false);
    b.closeBackingFd(fd);
    assertThatThrownBy(() -> b.openBackingFd(p("/2.bin"), false)).isInstanceOf(UnsupportedException.class);
    // Larger than the whole bound: read, never kept.
    readAll(b, "/big.bin");
    assertThat(b.clientCache().stats().entries()).isEqualTo(2);
    long onDisk = 0;
    for (String n : cacheFiles()) {
      onDisk += Files.size(cacheRoot.resolve("purefuse-client-cache").resolve(n));
    }
    assertThat(onDisk).isLessThanOrEqualTo(5L * MIB);
  }

  @Test
  void writesRenamesAndRemovalsThroughThisClientDropTheCopies() throws Exception {
    file("w.bin", MIB, 11);
    file("r.bin", MIB, 12);
    Files.createDirectories(ufs.resolve("d"));
    file("d/x.bin", MIB, 13);
    AlluxioWorkerBackend b = open(64L * MIB);
    readAll(b, "/w.bin");
    readAll(b, "/r.bin");
    readAll(b, "/d/x.bin");
    assertThat(b.clientCache().stats().entries()).isEqualTo(3);

    try (FileOutStream out = b.createFile(p("/w.bin"), CreateOptions.builder().overwrite(true).build())) {
      out.write(ByteBuffer.wrap("new".getBytes()));
    }
    assertThat(b.clientCache().stats().entries()).isEqualTo(2);
    assertThat(readAll(b, "/w.bin")).isEqualTo("new".getBytes());

    b.rename(p("/r.bin"), p("/r2.bin"), RenameOptions.defaults());
    b.delete(p("/d"), true);
    // w.bin (3 bytes, read whole above) is the only copy left.
    assertThat(b.clientCache().stats().entries()).isEqualTo(1);
    assertThat(cacheFiles()).hasSize(1);
  }

  @Test
  void restartKeepsCompleteEntriesAndDeletesLeftoversOfACrash() throws Exception {
    byte[] data = file("k.bin", 2 * MIB, 14);
    AlluxioWorkerBackend b = open(64L * MIB);
    readAll(b, "/k.bin");
    Path dir = cacheRoot.resolve("purefuse-client-cache");
    String name = cacheFiles().get(0);
    boolean xattrs = Files.getFileAttributeView(dir.resolve(name), UserDefinedFileAttributeView.class) != null
        && Files.getFileAttributeView(dir.resolve(name), UserDefinedFileAttributeView.class).list().size() == 1;
    // A fill cut short by a crash, and a "complete" name holding a truncated file.
    Files.write(dir.resolve(name + ".part-9"), new byte[100]);
    String bogus = new CacheIdentity(ufs + "/k.bin", 2 * MIB, 1, 0, "", "").key();
    Files.write(dir.resolve(bogus), new byte[10]);
    cluster.backend.close();

    AlluxioWorkerBackend again = open(64L * MIB);
    assertThat(cacheFiles()).as("until first use the directory is left alone").contains(name + ".part-9", bogus);
    assertThat(again.clientCache().active()).isTrue();
    assertThat(cacheFiles()).doesNotContain(name + ".part-9", bogus);
    Assumptions.assumeTrue(xattrs, "no user xattrs on " + dir + ": entries do not survive a restart there");
    assertThat(cacheFiles()).containsExactly(name);
    int before = worker.readCalls.get();
    assertThat(readAll(again, "/k.bin")).isEqualTo(data);
    assertThat(worker.readCalls.get()).isEqualTo(before);
  }

  @Test
  void aCacheDirectoryServesOneClientAtATime() throws Exception {
    assertThat(open(MIB).clientCache().active()).as("taken at first use").isTrue();
    assertThatThrownBy(() -> ClientCache.open(ClientCacheConfig.of(List.of(cacheRoot), MIB)))
        .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BUSY))
        .hasMessageContaining("in use by another client");
  }

  @Test
  void withoutTheCacheNothingChanges() throws Exception {
    byte[] data = file("n.bin", MIB, 15);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    assertThat(b.clientCache()).isNull();
    assertThat(b.capabilities()).doesNotContain(Capability.BACKING_FD);
    assertThat(readAll(b, "/n.bin")).isEqualTo(data);
    int calls = worker.readCalls.get();
    assertThat(readAll(b, "/n.bin")).isEqualTo(data);
    assertThat(worker.readCalls.get()).isGreaterThan(calls);
    assertThatThrownBy(() -> b.openBackingFd(p("/n.bin"), false)).isInstanceOf(UnsupportedException.class);
  }
}
