package io.purefuse.backend.alluxio;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.FileInStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Sequential 128 KiB reads through the worker client against a {@link RecordingWorker} on
 * loopback: the prefetching stream versus one {@code ReadBlock} round trip per read (the same
 * pieces read in an order that defeats the sequential detection), measured in the same run.
 * Prints both rates and their ratio. Not a test: run {@code main} by hand.
 *
 * <p>Usage: {@code WorkerReadBenchmark [MiB]} (default 256).
 */
public final class WorkerReadBenchmark {
  private static final int PIECE = 128 << 10;

  private WorkerReadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    Path dir = Files.createTempDirectory("purefuse-bench").toRealPath();
    byte[] data = new byte[mib << 20];
    new Random(1).nextBytes(data);
    Files.write(dir.resolve("f"), data);
    try (TestCluster cluster = new TestCluster(dir)) {
      cluster.addWorker(true, true, 1000);
      AlluxioWorkerBackend b = cluster.open(cluster.config());
      AlluxioPath f = AlluxioPath.of("/f");
      int pieces = data.length / PIECE;
      for (int round = 0; round < 3; round++) {
        double seq = rate(b, f, pieces, false);
        double shot = rate(b, f, pieces, true);
        System.out.printf("round %d: prefetch %.0f MiB/s, one round trip per read %.0f MiB/s, ratio %.2f%n",
            round, seq, shot, seq / shot);
      }
    } finally {
      Files.deleteIfExists(dir.resolve("f"));
      Files.deleteIfExists(dir);
    }
  }

  /** MiB/s reading every piece once, in order or even pieces first then odd ones. */
  private static double rate(AlluxioWorkerBackend b, AlluxioPath f, int pieces, boolean interleaved) throws Exception {
    ByteBuffer buf = ByteBuffer.allocateDirect(PIECE);
    long t0 = System.nanoTime();
    try (FileInStream in = b.openFile(f)) {
      for (int i = 0; i < pieces; i++) {
        int piece = interleaved ? (i < (pieces + 1) / 2 ? 2 * i : 2 * (i - (pieces + 1) / 2) + 1) : i;
        buf.clear();
        if (in.read((long) piece * PIECE, buf) != PIECE) {
          throw new IllegalStateException("short read");
        }
      }
    }
    double s = (System.nanoTime() - t0) / 1e9;
    return (double) pieces * PIECE / (1 << 20) / s;
  }
}
