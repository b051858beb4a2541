package io.purefuse.backend.alluxio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alluxio.grpc.ReadRequest;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.IsDirectoryException;
import io.purefuse.backend.UnavailableException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ReadBlock: request fields, flow control, prefetch, fail-over and deadlines. */
class WorkerReadTest {
  static final int MIB = 1 << 20;
  static final int KERNEL_READ = 128 << 10;

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

  private byte[] file(String name, int length) throws Exception {
    byte[] data = new byte[length];
    new Random(length).nextBytes(data);
    Files.write(ufs.resolve(name), data);
    return data;
  }

  /** Reads [offset, offset + n) in kernel-sized pieces and checks the bytes. */
  private static void readAndCheck(FileInStream in, byte[] expect, long offset, int n) throws BackendException {
    ByteBuffer buf = ByteBuffer.allocate(KERNEL_READ);
    for (long pos = offset; pos < offset + n; ) {
      buf.clear();
      buf.limit((int) Math.min(KERNEL_READ, offset + n - pos));
      int got = in.read(pos, buf);
      assertThat(got).isEqualTo(buf.limit());
      for (int i = 0; i < got; i++) {
        if (buf.get(i) != expect[(int) (pos + i)]) {
          throw new AssertionError("byte " + (pos + i) + " differs");
        }
      }
      pos += got;
    }
  }

  private static List<ReadRequest> opening(RecordingWorker w) {
    return w.<ReadRequest>requests("ReadBlock").stream().filter(r -> !r.hasOffsetReceived()).toList();
  }

  @Test
  void sequentialReadIsOneStreamWithTheProtocolFields() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    byte[] data = file("f", 3 * MIB + 12345);
    try (FileInStream in = b.openFile(AlluxioPath.of("/f"))) {
      assertThat(in.length()).isEqualTo(data.length);
      readAndCheck(in, data, 0, data.length);
      assertThat(in.read(data.length, ByteBuffer.allocate(10))).isEqualTo(-1);
    }
    assertThat(w.readCalls.get()).isEqualTo(1);
    RecordingWorker.await(() -> w.calls("ReadBlock:half-close").size() == 1);
    List<ReadRequest> all = w.requests("ReadBlock");
    ReadRequest first = all.get(0);
    assertThat(first.getBlockId()).isEqualTo(-1);
    assertThat(first.getOffset()).isEqualTo(0);
    assertThat(first.getLength()).isEqualTo(data.length);
    assertThat(first.getChunkSize()).isEqualTo(MIB);
    assertThat(first.hasOffsetReceived()).isFalse();
    assertThat(first.getOpenUfsBlockOptions().getUfsPath()).isEqualTo(ufs + "/f");
    assertThat(first.getOpenUfsBlockOptions().getOffsetInFile()).isEqualTo(0);
    assertThat(first.getOpenUfsBlockOptions().hasOffsetInFile()).isTrue();
    assertThat(first.getOpenUfsBlockOptions().getBlockSize()).isEqualTo(data.length);
    assertThat(first.getOpenUfsBlockOptions().hasNoCache()).isTrue();
    assertThat(first.getOpenUfsBlockOptions().getNoCache()).isFalse();
    // Every chunk acknowledged, rising, ending at the file length.
    List<Long> acks = all.stream().filter(ReadRequest::hasOffsetReceived).map(ReadRequest::getOffsetReceived).toList();
    assertThat(acks).containsExactly((long) MIB, 2L * MIB, 3L * MIB, (long) data.length);
    assertThat(all.stream().filter(ReadRequest::hasOffsetReceived))
        .allSatisfy(r -> assertThat(r.toBuilder().clearOffsetReceived().build()).isEqualTo(first));
    assertThat(w.calls("ReadBlock:half-close")).hasSize(1);
  }

  @Test
  void prefetchWindowGrowsAndASeekStartsAnotherStream() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config().prefetch(MIB, 8 * MIB));
    byte[] data = file("f", 40 * MIB);
    try (WorkerFileInStream in = (WorkerFileInStream) b.openFile(AlluxioPath.of("/f"))) {
      readAndCheck(in, data, 0, 16 * MIB);
      assertThat(w.readCalls.get()).isEqualTo(1);
      ReadBlockStream s = in.currentStream();
      assertThat(s.window()).isEqualTo(8 * MIB);
      assertThat(s.heldBytes()).isLessThanOrEqualTo(8 * MIB + ReadBlockStream.KEEP_BEHIND + 2 * MIB);

      // Seek: one exact one-shot read, then the reader continuing from there gets a new stream.
      readAndCheck(in, data, 30 * MIB, 4 * MIB);
      assertThat(w.readCalls.get()).isEqualTo(3);
      assertThat(in.prefetchStreams()).isEqualTo(2);
      assertThat(in.oneShotReads()).isEqualTo(1);
      assertThat(in.currentStream().start()).isEqualTo(30L * MIB + KERNEL_READ);
      assertThat(in.currentStream().window()).isLessThan(8 * MIB);
    }
    List<ReadRequest> opens = opening(w);
    assertThat(opens).extracting(ReadRequest::getOffset)
        .containsExactly(0L, 30L * MIB, 30L * MIB + KERNEL_READ);
    assertThat(opens).extracting(ReadRequest::getLength)
        .containsExactly(40L * MIB, (long) KERNEL_READ, 10L * MIB - KERNEL_READ);
  }

  @Test
  void memoryStaysBoundedWhileTheReaderPauses() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config().prefetch(MIB, 4 * MIB));
    byte[] data = file("f", 64 * MIB);
    try (WorkerFileInStream in = (WorkerFileInStream) b.openFile(AlluxioPath.of("/f"))) {
      readAndCheck(in, data, 0, 8 * MIB);
      Thread.sleep(500); // the stream would run to the end without flow control
      System.out.println("read bytes sent ahead of the reader: " + (w.bytesSent.get() - 8L * MIB));
      long consumed = 8L * MIB;
      // What the worker sent: what was read + the window + what sits in gRPC/HTTP/2 buffers.
      assertThat(w.bytesSent.get() - consumed).isLessThanOrEqualTo(4L * MIB + 4L * MIB);
      assertThat(in.currentStream().heldBytes()).isLessThanOrEqualTo(4L * MIB + ReadBlockStream.KEEP_BEHIND + 2 * MIB);
      readAndCheck(in, data, 8 * MIB, 56 * MIB);
    }
    assertThat(w.readCalls.get()).isEqualTo(1);
  }

  @Test
  void concurrentPositionalReadsAreServedCorrectly() throws Exception {
    cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config().prefetch(MIB, 8 * MIB));
    byte[] data = file("f", 24 * MIB + 777);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try (FileInStream in = b.openFile(AlluxioPath.of("/f"))) {
      List<Future<?>> futures = new ArrayList<>();
      // Two sequential readers and four random readers on one open file.
      for (int t = 0; t < 6; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          Random r = new Random(id);
          for (int i = 0; i < 40; i++) {
            long off = id < 2 ? (long) i * KERNEL_READ : r.nextInt(data.length);
            int n = (int) Math.min(KERNEL_READ, data.length - off);
            readAndCheck(in, data, off, n);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWorkerDyingMidReadFailsOverFromTheCurrentOffset() throws Exception {
    RecordingWorker a = cluster.addWorker(true, true, 100);
    RecordingWorker c = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config().prefetch(MIB, 2 * MIB).readTimeout(Duration.ofSeconds(5)));
    String name = null;
    for (int i = 0; name == null; i++) {
      if (b.ownerOf(AlluxioPath.of("/f" + i)).equals(a.info())) {
        name = "f" + i;
      }
    }
    byte[] data = file(name, 20 * MIB);
    try (FileInStream in = b.openFile(AlluxioPath.of("/" + name))) {
      readAndCheck(in, data, 0, 6 * MIB);
      a.kill();
      readAndCheck(in, data, 6 * MIB, 14 * MIB);
    }
    List<ReadRequest> onC = opening(c);
    assertThat(onC).hasSize(1);
    // What the dead worker had delivered was used; it was not asked again.
    assertThat(opening(a)).hasSize(1);
    // Resumed where the data from the dead worker ran out: after what was read, at most the
    // window, a chunk of rounding and one HTTP/2 window further on.
    assertThat(onC.get(0).getOffset()).isGreaterThanOrEqualTo(6L * MIB).isLessThanOrEqualTo(10L * MIB);
    assertThat(onC.get(0).getOffset() % (128 << 10)).isZero();
    assertThat(onC.get(0).getOffset() + onC.get(0).getLength()).isEqualTo(20L * MIB);
  }

  @Test
  void aWorkerLeavingTheMembershipMidReadFailsOver() throws Exception {
    RecordingWorker a = cluster.addWorker(true, true, 100);
    RecordingWorker c = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config().prefetch(MIB, 2 * MIB));
    String name = null;
    for (int i = 0; name == null; i++) {
      if (b.ownerOf(AlluxioPath.of("/g" + i)).equals(a.info())) {
        name = "g" + i;
      }
    }
    byte[] data = file(name, 12 * MIB);
    try (FileInStream in = b.openFile(AlluxioPath.of("/" + name))) {
      readAndCheck(in, data, 0, 3 * MIB);
      cluster.membership.set(List.of(c.info())); // a's channel is closed under the stream
      readAndCheck(in, data, 3 * MIB, 9 * MIB);
    }
    assertThat(b.openChannels()).containsExactly(c.info().address());
    assertThat(opening(c)).hasSize(1);
  }

  @Test
  void aSilentWorkerFailsTheReadWithinTheIdleDeadline() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config().readTimeout(Duration.ofMillis(700)));
    file("f", 3 * MIB);
    w.stallReads = true;
    try (FileInStream in = b.openFile(AlluxioPath.of("/f"))) {
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> in.read(0, ByteBuffer.allocate(KERNEL_READ)))
          .isInstanceOf(UnavailableException.class)
          .satisfies(e -> assertThat(((BackendException) e).errno()).isEqualTo(5));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }
  }

  @Test
  void allWorkersDownGivesEio() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    file("f", MIB);
    FileInStream in = b.openFile(AlluxioPath.of("/f"));
    w.kill();
    assertThatThrownBy(() -> in.read(0, ByteBuffer.allocate(10)))
        .isInstanceOf(UnavailableException.class)
        .satisfies(e -> assertThat(((BackendException) e).errno()).isEqualTo(5));
    in.close();
  }

  @Test
  void openingADirectoryFails() throws Exception {
    cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    Files.createDirectory(ufs.resolve("d"));
    assertThatThrownBy(() -> b.openFile(AlluxioPath.of("/d"))).isInstanceOf(IsDirectoryException.class);
  }
}
