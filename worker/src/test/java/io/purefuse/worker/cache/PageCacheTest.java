package io.purefuse.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page cache on its own, with both stores and an in-memory "under-store" file. */
class PageCacheTest {
  static final int PAGE = 4096;

  @TempDir Path tmp;

  /** A file in memory that counts reads and can hold them until released. */
  static final class Source implements PageSource {
    final byte[] data;
    final AtomicInteger reads = new AtomicInteger();
    volatile CountDownLatch gate;

    Source(byte[] data) {
      this.data = data;
    }

    @Override
    public int read(long pos, byte[] dst, int off, int len) throws IOException {
      reads.incrementAndGet();
      CountDownLatch g = gate;
      if (g != null) {
        try {
          g.await();
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
      int n = (int) Math.max(0, Math.min(len, data.length - pos));
      System.arraycopy(data, (int) pos, dst, off, n);
      return n;
    }
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static FileVersion v(long mtime, long len) {
    return new FileVersion(1, mtime, len);
  }

  @Test
  void hitsMissesAndSlicesAcrossPages() throws Exception {
    try (PageCache c = PageCache.onDisk(tmp, 100 * PAGE, PAGE)) {
      Source s = new Source(random(10 * PAGE + 5, 1));
      FileVersion ver = v(1, s.data.length);
      ByteString b = c.read("/f", ver, PAGE - 3, 2 * PAGE + 6, s, false);
      assertThat(b.toByteArray()).isEqualTo(Arrays.copyOfRange(s.data, PAGE - 3, 3 * PAGE + 3));
      assertThat(c.stats().misses()).isEqualTo(4);
      assertThat(c.stats().hits()).isZero();
      assertThat(s.reads.get()).isEqualTo(4);
      c.read("/f", ver, PAGE, PAGE, s, false);
      assertThat(c.stats().hits()).isEqualTo(1);
      assertThat(s.reads.get()).isEqualTo(4);
      // The last, short page and a read past the end.
      assertThat(c.read("/f", ver, 10 * PAGE, 100, s, false).toByteArray())
          .isEqualTo(Arrays.copyOfRange(s.data, 10 * PAGE, s.data.length));
      assertThat(c.read("/f", ver, s.data.length, 100, s, false).isEmpty()).isTrue();
      assertThat(c.cachedBytes("/f", ver)).isEqualTo(4L * PAGE + 5);
      assertThat(c.cachedPercentage("/f", ver)).isEqualTo((int) ((4L * PAGE + 5) * 100 / s.data.length));
      assertThat(pageFiles()).hasSize(5);
      CacheStats st = c.stats();
      assertThat(st.cachedPages()).isEqualTo(5);
      assertThat(st.bytesServed()).isEqualTo(2L * PAGE + 6 + PAGE + 5);
    }
  }

  private List<Path> pageFiles() throws IOException {
    try (Stream<Path> s = Files.list(tmp.resolve("pages"))) {
      return s.toList();
    }
  }

  @Test
  void concurrentMissesOnOnePageCostOneUnderStoreRead() throws Exception {
    int n = 16;
    try (PageCache c = PageCache.inMemory(100 * PAGE, PAGE)) {
      Source s = new Source(random(3 * PAGE, 2));
      s.gate = new CountDownLatch(1);
      FileVersion ver = v(1, s.data.length);
      ExecutorService pool = Executors.newFixedThreadPool(n);
      try {
        List<Future<ByteString>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int off = i * 100;
          fs.add(pool.submit(() -> c.read("/f", ver, off, 50, s, false)));
        }
        // Every reader but the loader is now waiting for the one load in flight.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (c.stats().hits() < n - 1 && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertThat(c.stats().hits()).isEqualTo(n - 1);
        s.gate.countDown();
        for (int i = 0; i < n; i++) {
          assertThat(fs.get(i).get(20, TimeUnit.SECONDS).toByteArray())
              .isEqualTo(Arrays.copyOfRange(s.data, i * 100, i * 100 + 50));
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(s.reads.get()).isEqualTo(1);
      assertThat(c.stats().misses()).isEqualTo(1);
      assertThat(c.stats().ufsReads()).isEqualTo(1);
    }
  }

  @Test
  void evictsToStayWithinCapacity() throws Exception {
    try (PageCache c = PageCache.onDisk(tmp, 4 * PAGE, PAGE)) {
      Source s = new Source(random(20 * PAGE, 3));
      FileVersion ver = v(1, s.data.length);
      for (int i = 0; i < 20; i++) {
        assertThat(c.read("/f", ver, (long) i * PAGE, PAGE, s, false).toByteArray())
            .isEqualTo(Arrays.copyOfRange(s.data, i * PAGE, (i + 1) * PAGE));
      }
      c.cleanUp();
      CacheStats st = c.stats();
      assertThat(st.cachedBytes()).isLessThanOrEqualTo(4L * PAGE);
      assertThat(st.evictions()).isGreaterThanOrEqualTo(16);
      assertThat(st.cachedPages() + st.evictions()).isEqualTo(20);
      assertThat(pageFiles()).hasSize((int) st.cachedPages());
      // Everything still reads correctly, evicted or not.
      for (int i = 0; i < 20; i++) {
        assertThat(c.read("/f", ver, (long) i * PAGE, PAGE, s, false).toByteArray())
            .isEqualTo(Arrays.copyOfRange(s.data, i * PAGE, (i + 1) * PAGE));
      }
      c.cleanUp();
      assertThat(c.stats().cachedBytes()).isLessThanOrEqualTo(4L * PAGE);
    }
  }

  @Test
  void aNewVersionDropsTheOldPages() throws Exception {
    try (PageCache c = PageCache.onDisk(tmp, 100 * PAGE, PAGE)) {
      Source old = new Source(random(3 * PAGE, 4));
      c.read("/f", v(1, old.data.length), 0, 3 * PAGE, old, false);
      assertThat(c.stats().cachedPages()).isEqualTo(3);
      // Same length, newer mtime: the old pages go, the new content is read.
      Source changed = new Source(random(3 * PAGE, 5));
      assertThat(c.read("/f", v(2, changed.data.length), 0, 3 * PAGE, changed, false).toByteArray())
          .isEqualTo(changed.data);
      assertThat(c.stats().invalidations()).isEqualTo(3);
      assertThat(c.stats().cachedPages()).isEqualTo(3);
      assertThat(c.cachedBytes("/f", v(1, old.data.length))).isZero();
      // A new length alone is a new version too.
      Source longer = new Source(random(4 * PAGE, 6));
      assertThat(c.read("/f", v(2, longer.data.length), 0, 4 * PAGE, longer, false).toByteArray())
          .isEqualTo(longer.data);
      assertThat(c.stats().invalidations()).isEqualTo(6);
      assertThat(pageFiles()).hasSize(4);
      c.invalidate("/f");
      assertThat(c.stats().cachedPages()).isZero();
      assertThat(pageFiles()).isEmpty();
    }
  }

  @Test
  void noCacheReadsServeCachedPagesButAddNone() throws Exception {
    try (PageCache c = PageCache.inMemory(100 * PAGE, PAGE)) {
      Source s = new Source(random(3 * PAGE, 7));
      FileVersion ver = v(1, s.data.length);
      assertThat(c.read("/f", ver, 0, 3 * PAGE, s, true).toByteArray()).isEqualTo(s.data);
      assertThat(c.stats().cachedPages()).isZero();
      c.read("/f", ver, 0, PAGE, s, false);
      int reads = s.reads.get();
      c.read("/f", ver, 0, PAGE, s, true);
      assertThat(s.reads.get()).isEqualTo(reads);
    }
  }

  @Test
  void invalidateTreeDropsFilesBelowADirectory() throws Exception {
    try (PageCache c = PageCache.inMemory(100 * PAGE, PAGE)) {
      Source s = new Source(random(PAGE, 8));
      FileVersion ver = v(1, PAGE);
      for (String f : new String[] {"/d/a", "/d/e/b", "/dx"}) {
        c.read(f, ver, 0, PAGE, s, false);
      }
      c.invalidateTree("/d");
      assertThat(c.cachedBytes("/d/a", ver)).isZero();
      assertThat(c.cachedBytes("/d/e/b", ver)).isZero();
      assertThat(c.cachedBytes("/dx", ver)).isEqualTo(PAGE);
    }
  }
}
