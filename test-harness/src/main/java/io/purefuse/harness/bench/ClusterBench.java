package io.purefuse.harness.bench;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.Backends;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.harness.cluster.ClusterMount;
import io.purefuse.harness.cluster.LocalCluster;
import io.purefuse.harness.cluster.PatternData;
import io.purefuse.session.SessionOptions;
import io.purefuse.vfs.VfsOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads through a purefuse mount against reads with the Alluxio worker client directly (the
 * same {@code AlluxioWorkerBackend} the mount runs on, in the same JVM), against the same 3
 * local workers in the same run: one big file read sequentially in 1 MiB reads, and many small
 * files read whole by several threads. Prints MB/s and the ratio mount/direct, for cache misses
 * (the first read of a file: the worker reads the under-store) and hits (the worker serves its
 * page cache).
 *
 * <p>Both sides first read a warm-up file and file set twice (JIT, connections, thread pools),
 * so that neither pays for running first. Misses cannot be repeated on the same file, so the miss figures compare two files (or file
 * sets) of the same size and shape: one read directly, one through the mount. Hits are measured
 * on the same data, alternating direct and mount for several rounds; the median is reported.
 *
 * <p>Then the client-side data cache ({@link ClientCacheBench}): two training epochs over
 * {@code --epoch-files} files of {@code --epoch-file-mib} MiB, against the bare UFS
 * ({@code --epochs-only} runs just that; {@code --epoch-files 0} skips it).
 *
 * <p>Run: {@code bin/purefuse-bench --cluster [--big-mib N] [--files N] [--file-kib N]
 * [--threads N] [--rounds N] [--reader-threads N] [--epoch-files N] [--epoch-file-mib N] [--epochs-only]} ({@code --reader-threads}: FUSE reader
 * threads of the mount, as {@code -o max_idle_threads=N}; default the session's). On shared 2-core VMs compare ratios, never absolute numbers across
 * runs.
 */
public final class ClusterBench {
    private int bigMib = 1024;
    private int files = 2000;
    private int fileKib = 100;
    private int threads = 8;
    private int rounds = 3;
    private int readerThreads;
    private int epochFiles = 64;
    private int epochFileMib = 8;
    private boolean epochsOnly;

    private ClusterBench() {}

    public static void main(String[] args) throws Exception {
        ClusterBench b = new ClusterBench();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--big-mib" -> { b.bigMib = Integer.parseInt(v); i++; }
                case "--files" -> { b.files = Integer.parseInt(v); i++; }
                case "--file-kib" -> { b.fileKib = Integer.parseInt(v); i++; }
                case "--threads" -> { b.threads = Integer.parseInt(v); i++; }
                case "--rounds" -> { b.rounds = Integer.parseInt(v); i++; }
                case "--reader-threads" -> { b.readerThreads = Integer.parseInt(v); i++; }
                case "--epoch-files" -> { b.epochFiles = Integer.parseInt(v); i++; }
                case "--epoch-file-mib" -> { b.epochFileMib = Integer.parseInt(v); i++; }
                case "--epochs-only" -> b.epochsOnly = true;
                default -> {
                    System.err.println("usage: purefuse-bench --cluster [--big-mib N] [--files N] [--file-kib N] "
                            + "[--threads N] [--rounds N] [--reader-threads N] [--epoch-files N] [--epoch-file-mib N]"
                            + " [--epochs-only]");
                    System.exit(2);
                }
            }
        }
        b.run();
    }

    private void run() throws Exception {
        Path shm = Path.of("/dev/shm");
        LocalCluster.Builder builder = LocalCluster.builder().workers(3)
                .cacheSize(Math.max(2048, bigMib * 2 + files * fileKib * 2 / 1024 + epochFiles * epochFileMib * 2) + "MB");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            builder.baseDir(Files.createTempDirectory(shm, "purefuse-bench-cluster-"));
        }
        long t0 = System.nanoTime();
        try (LocalCluster cluster = builder.start()) {
            System.out.printf(Locale.ROOT, "purefuse cluster bench: 3 workers + etcd on loopback (up in %.1f s), UFS %s%n",
                    (System.nanoTime() - t0) / 1e9, cluster.ufsRoot());
            if (!epochsOnly) {
                rows(cluster);
            }
            if (epochFiles > 0) {
                new ClientCacheBench(cluster, epochFiles, epochFileMib, threads, rounds).run();
            }
        }
    }

    private void rows(LocalCluster cluster) throws Exception {
        Path ufs = cluster.ufsRoot();
        long big = (long) bigMib << 20;
        PatternData.write(ufs.resolve("big-direct.bin"), 1, big, 1 << 20);
        PatternData.write(ufs.resolve("big-mount.bin"), 2, big, 1 << 20);
        for (String set : List.of("small-direct", "small-mount")) {
            Path dir = Files.createDirectories(ufs.resolve(set));
            for (int i = 0; i < files; i++) {
                Files.write(dir.resolve(String.format(Locale.ROOT, "f%05d", i)), PatternData.bytes(i, fileKib << 10));
            }
        }
        PatternData.write(ufs.resolve("warm.bin"), 3, 64L << 20, 1 << 20);
        Path warmDir = Files.createDirectories(ufs.resolve("small-warm"));
        for (int i = 0; i < Math.min(files, 300); i++) {
            Files.write(warmDir.resolve(String.format(Locale.ROOT, "f%05d", i)), PatternData.bytes(i, fileKib << 10));
        }
        System.out.printf(Locale.ROOT, "data: 2 x %d MiB files, 2 x %d files of %d KiB written to the UFS%n",
                bigMib, files, fileKib);

        try (FileSystemBackend direct = Backends.fromProperties(cluster.clientProperties());
                ClusterMount mount = ClusterMount.mount(cluster.clientProperties(), new VfsOptions(), session())) {
            Side d = new Side("direct") {
                @Override
                long readBig(String name) throws Exception {
                    return readDirect(direct, name, 1 << 20);
                }

                @Override
                long readSmall(String dir) throws Exception {
                    return readSmallDirect(direct, dir);
                }
            };
            Side m = new Side("mount") {
                @Override
                long readBig(String name) throws Exception {
                    return readFile(mount.path(name), 1 << 20);
                }

                @Override
                long readSmall(String dir) throws Exception {
                    return readSmallMount(mount.path(dir));
                }
            };
            // Warm-up (JIT, connections, thread pools) on data the measurements never touch.
            int measured = files;
            files = Math.min(files, 300);
            for (int r = 0; r < 2; r++) {
                d.big("warm.bin", 64L << 20);
                m.big("warm.bin", 64L << 20);
                d.small("small-warm", (long) files * (fileKib << 10));
                m.small("small-warm", (long) files * (fileKib << 10));
            }
            files = measured;
            System.out.printf(Locale.ROOT, "%n%-44s %12s %12s %7s%n", "workload", "direct MB/s", "mount MB/s", "ratio");
            // Misses: each side reads its own, never-read copy.
            double dBigMiss = d.big("big-direct.bin", big);
            double mBigMiss = m.big("big-mount.bin", big);
            row(String.format(Locale.ROOT, "%d MiB file, 1 MiB reads, cache miss", bigMib), dBigMiss, mBigMiss);
            double[] dHit = new double[rounds];
            double[] mHit = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                dHit[r] = d.big("big-direct.bin", big);
                mHit[r] = m.big("big-direct.bin", big);
            }
            row(String.format(Locale.ROOT, "%d MiB file, 1 MiB reads, cache hit", bigMib), median(dHit), median(mHit));

            long smallBytes = (long) files * (fileKib << 10);
            double dSmallMiss = d.small("small-direct", smallBytes);
            double mSmallMiss = m.small("small-mount", smallBytes);
            row(String.format(Locale.ROOT, "%d x %d KiB, %d threads, cache miss", files, fileKib, threads),
                    dSmallMiss, mSmallMiss);
            double[] dsHit = new double[rounds];
            double[] msHit = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                dsHit[r] = d.small("small-direct", smallBytes);
                msHit[r] = m.small("small-direct", smallBytes);
            }
            row(String.format(Locale.ROOT, "%d x %d KiB, %d threads, cache hit", files, fileKib, threads),
                    median(dsHit), median(msHit));
            System.out.printf(Locale.ROOT, "%nfiles/s (hit): direct %.0f, mount %.0f%n",
                    files * median(dsHit) / (smallBytes / 1e6), files * median(msHit) / (smallBytes / 1e6));
            System.out.printf(Locale.ROOT, "cache hit/miss speed-up: direct big %.2fx small %.2fx; mount big %.2fx small %.2fx%n",
                    median(dHit) / dBigMiss, median(dsHit) / dSmallMiss, median(mHit) / mBigMiss,
                    median(msHit) / mSmallMiss);
            System.out.printf(Locale.ROOT, "rounds (MB/s): big direct %s mount %s; small direct %s mount %s%n",
                    fmt(dHit), fmt(mHit), fmt(dsHit), fmt(msHit));
            System.out.println("target: mount/direct >= 0.90");
        }
    }

    /** Default session options, or {@code --reader-threads} FUSE reader threads (as {@code -o max_idle_threads=N}). */
    private SessionOptions session() {
        SessionOptions so = new SessionOptions();
        if (readerThreads > 0) {
            so.readerThreads(readerThreads);
        }
        System.out.println("mount: " + so.readerThreads() + " FUSE reader threads");
        return so;
    }

    private abstract class Side {
        final String name;

        Side(String name) {
            this.name = name;
        }

        abstract long readBig(String file) throws Exception;

        abstract long readSmall(String dir) throws Exception;

        double big(String file, long expect) throws Exception {
            long t = System.nanoTime();
            long n = readBig(file);
            double secs = (System.nanoTime() - t) / 1e9;
            check(n, expect, name + " " + file);
            return n / 1e6 / secs;
        }

        double small(String dir, long expect) throws Exception {
            long t = System.nanoTime();
            long n = readSmall(dir);
            double secs = (System.nanoTime() - t) / 1e9;
            check(n, expect, name + " " + dir);
            return n / 1e6 / secs;
        }
    }

    private static void check(long got, long expect, String what) {
        if (got != expect) {
            throw new IllegalStateException(what + ": read " + got + " bytes, expected " + expect);
        }
    }

    static long readDirect(FileSystemBackend client, String name, int chunk) throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
        long off = 0;
        try (FileInStream in = client.openFile(AlluxioPath.of("/" + name))) {
            for (int n; (n = in.read(off, buf.clear())) > 0; ) {
                off += n;
            }
        }
        return off;
    }

    static long readFile(Path file, int chunk) throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
        long total = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int n; (n = ch.read(buf.clear())) >= 0; ) {
                total += n;
            }
        }
        return total;
    }

    private long readSmallDirect(FileSystemBackend client, String dir) throws Exception {
        return parallel(i -> readDirect(client, dir + "/" + String.format(Locale.ROOT, "f%05d", i), fileKib << 10));
    }

    private long readSmallMount(Path dir) throws Exception {
        return parallel(i -> readFile(dir.resolve(String.format(Locale.ROOT, "f%05d", i)), fileKib << 10));
    }

    interface Reader {
        long read(int index) throws Exception;
    }

    private long parallel(Reader r) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        try {
            List<Future<Long>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                parts.add(pool.submit(() -> {
                    long sum = 0;
                    for (int i; (i = next.getAndIncrement()) < files; ) {
                        sum += r.read(i);
                    }
                    return sum;
                }));
            }
            long total = 0;
            for (Future<Long> f : parts) {
                total += f.get();
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void row(String label, double direct, double mount) {
        System.out.printf(Locale.ROOT, "%-44s %12.0f %12.0f %7.2f%n", label, direct, mount, mount / direct);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i > 0 ? " " : "").append(String.format(Locale.ROOT, "%.0f", v[i]));
        }
        return b.append(']').toString();
    }
}
