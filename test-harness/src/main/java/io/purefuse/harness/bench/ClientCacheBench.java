package io.purefuse.harness.bench;

import io.purefuse.backend.alluxio.AlluxioWorkerBackend;
import io.purefuse.backend.cache.ClientCache;
import io.purefuse.backend.cache.ClientCacheConfig;
import io.purefuse.harness.cluster.ClusterMount;
import io.purefuse.harness.cluster.LocalCluster;
import io.purefuse.harness.cluster.PatternData;
import io.purefuse.session.SessionOptions;
import io.purefuse.vfs.AlluxioFuseFilesystem;
import io.purefuse.vfs.VfsOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Training epochs through the client-side data cache: a set of files read whole by several
 * threads, twice, through a mount with {@code alluxio.user.client.cache.enabled=true} over the
 * cluster's 3 workers. Epoch 1 reads from the workers (which read the UFS) and fills the cache;
 * epoch 2 opens every file through FUSE passthrough on its local copy. Printed in the same run:
 * MB/s of epoch 1 and 2 and their ratio, against reading the bare UFS directory with the same
 * threads and against a mount without the client cache reading the same (worker-cached) data.
 * Epoch 2 and the baselines are repeated {@code rounds} times, interleaved; medians are printed.
 */
final class ClientCacheBench {
    private final LocalCluster cluster;
    private final int files;
    private final int fileMib;
    private final int threads;
    private final int rounds;

    ClientCacheBench(LocalCluster cluster, int files, int fileMib, int threads, int rounds) {
        this.cluster = cluster;
        this.files = files;
        this.fileMib = fileMib;
        this.threads = threads;
        this.rounds = rounds;
    }

    void run() throws Exception {
        Path data = Files.createDirectories(cluster.ufsRoot().resolve("epoch"));
        for (int i = 0; i < files; i++) {
            PatternData.write(data.resolve(name(i)), 1000 + i, (long) fileMib << 20, 1 << 20);
        }
        long bytes = (long) files * fileMib << 20;
        Path cacheDir = Files.createDirectories(cluster.baseDir().resolve("client-cache"));
        Map<String, String> props = new LinkedHashMap<>(cluster.clientProperties());
        props.put(ClientCacheConfig.ENABLED, "true");
        props.put(ClientCacheConfig.DIRS, cacheDir.toString());
        props.put(ClientCacheConfig.SIZE, (2 * bytes >> 20) + "MB");
        System.out.printf(Locale.ROOT, "%nclient cache epochs: %d files x %d MiB (%d MiB) read whole by %d threads;"
                + " client cache %s%n", files, fileMib, bytes >> 20, threads, cacheDir);
        try (ClusterMount cached = mount(props);
                ClusterMount plain = mount(cluster.clientProperties())) {
            AlluxioWorkerBackend client = (AlluxioWorkerBackend) cached.backend();
            ClientCache cache = client.clientCache();
            long rb0 = client.readBlockCalls();
            double e1 = epoch(cached.path("epoch"), bytes);
            awaitReleased(cached);
            long rb1 = client.readBlockCalls();
            ClientCache.Stats afterE1 = cache.stats();
            double[] e2 = new double[rounds];
            double[] bare = new double[rounds];
            double[] noCache = new double[rounds];
            long hits0 = cache.stats().hits();
            for (int r = 0; r < rounds; r++) {
                e2[r] = epoch(cached.path("epoch"), bytes);
                awaitReleased(cached);
                bare[r] = epoch(data, bytes);
                noCache[r] = epoch(plain.path("epoch"), bytes);
            }
            long rb2 = client.readBlockCalls();
            long passthroughOpens = cache.stats().hits() - hits0;
            System.out.printf(Locale.ROOT, "%-52s %10s%n", "read", "MB/s");
            System.out.printf(Locale.ROOT, "%-52s %10.0f%n", "epoch 1 (cold: workers read the UFS, cache fills)", e1);
            System.out.printf(Locale.ROOT, "%-52s %10.0f%n", "epoch 2 (client cache, FUSE passthrough)", median(e2));
            System.out.printf(Locale.ROOT, "%-52s %10.0f%n", "same files, mount without client cache (workers warm)",
                    median(noCache));
            System.out.printf(Locale.ROOT, "%-52s %10.0f%n", "same files, bare UFS directory", median(bare));
            System.out.printf(Locale.ROOT, "epoch2/epoch1 %.2f   epoch2/bare %.2f   epoch2/no-client-cache %.2f%n",
                    median(e2) / e1, median(e2) / median(bare), median(e2) / median(noCache));
            System.out.printf(Locale.ROOT, "rounds (MB/s): epoch 2 %s, bare %s, no client cache %s%n", fmt(e2), fmt(bare),
                    fmt(noCache));
            System.out.printf(Locale.ROOT, "ReadBlock calls by the cached mount: epoch 1 %d, epoch 2 (all rounds) %d;"
                    + " copies opened for passthrough in epoch 2: %d of %d opens; after epoch 1: %s%n",
                    rb1 - rb0, rb2 - rb1, passthroughOpens, (long) rounds * files, afterE1);
        }
    }

    /**
     * A mount, retried while the client's first etcd read finds no live worker yet (a loaded host
     * can delay it past the mount's first GetStatus).
     */
    private static ClusterMount mount(Map<String, String> props) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return ClusterMount.mount(props, new VfsOptions(), new SessionOptions());
            } catch (io.purefuse.backend.UnavailableException e) {
                if (attempt == 10) {
                    throw e;
                }
                System.out.println("mount: " + e.getMessage() + "; retrying");
                Thread.sleep(2000);
            }
        }
    }

    private static String name(int i) {
        return String.format(Locale.ROOT, "f%05d.bin", i);
    }

    private static void awaitReleased(ClusterMount m) throws InterruptedException {
        AlluxioFuseFilesystem fs = m.mounted().fs();
        for (int i = 0; i < 1000 && fs.openFileCount() > 0; i++) {
            Thread.sleep(10);
        }
    }

    /** Reads every file whole with {@code threads} threads; MB/s. */
    private double epoch(Path dir, long expect) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long t = System.nanoTime();
        long total = 0;
        try {
            List<Future<Long>> parts = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                parts.add(pool.submit(() -> {
                    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                    long sum = 0;
                    for (int i; (i = next.getAndIncrement()) < files; ) {
                        try (FileChannel ch = FileChannel.open(dir.resolve(name(i)), StandardOpenOption.READ)) {
                            for (int n; (n = ch.read(buf.clear())) >= 0; ) {
                                sum += n;
                            }
                        }
                    }
                    return sum;
                }));
            }
            for (Future<Long> f : parts) {
                total += f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double secs = (System.nanoTime() - t) / 1e9;
        if (total != expect) {
            throw new IllegalStateException(dir + ": read " + total + " bytes, expected " + expect);
        }
        return total / 1e6 / secs;
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
