package io.purefuse.harness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.Capability;
import io.purefuse.session.SessionOptions;
import io.purefuse.vfs.VfsOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The durability model of {@code vfs DurabilityModelTest}, through a mount of a real 3-worker
 * cluster: two writer threads, each owning its files (so each keeps an exact model), and two
 * readers reading whatever exists; then unmount, compare the UFS with the model byte for byte,
 * mount again and compare through the new mount.
 *
 * <p>Alluxio workers take writes only as whole files written from offset 0 (no
 * {@link Capability#RANDOM_WRITE}, no {@link Capability#TRUNCATE}), so the writers create,
 * overwrite (O_TRUNC), truncate to zero, rename over and unlink. They also try what the workers
 * cannot do (append, pwrite into existing bytes, truncate to a non-zero length): each must either
 * be refused with an error and change nothing, or, where it happens to be expressible (an append
 * to an empty file is a sequential write from 0), take effect; the model follows what happened.
 * A reader may get ENOENT or EIO from read(2) for a file replaced while it had it open (see the
 * reader loop; workers read by path); any other reader error fails the test.
 * {@code -Dpurefuse.test.seed=N} replays a run, {@code -Dpurefuse.test.ops=N} sets its length.
 */
@Timeout(300)
class ClusterDurabilityModelTest {
    LocalCluster cluster;
    ClusterMount mount;

    @AfterEach
    void down() {
        if (mount != null) {
            mount.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    ClusterMount mountCluster() throws Exception {
        return ClusterWriteFaultTest.mountWhenLive(() -> ClusterMount.mount(cluster.clientProperties(),
                new VfsOptions().metadataCacheExpiration(Duration.ofSeconds(2)).writerWait(Duration.ofMillis(500)),
                new SessionOptions()));
    }

    @Test
    void whatWasWrittenIsWhatIsReadAfterARemount() throws Exception {
        long seed = Long.getLong("purefuse.test.seed", System.nanoTime());
        int ops = Integer.getInteger("purefuse.test.ops", 150);
        System.out.println("ClusterDurabilityModelTest seed=" + seed + " ops=" + ops + " per writer (replay with"
                + " -Dpurefuse.test.seed=" + seed + ")");
        cluster = LocalCluster.builder().workers(3).cacheSize("512MB").start();
        mount = mountCluster();
        Set<Capability> caps = mount.backend().capabilities();
        System.out.println("backend capabilities: " + caps);
        Map<String, byte[]> model = new ConcurrentHashMap<>();
        Map<String, AtomicLong> counts = new ConcurrentSkipListMap<>();
        Path mnt = mount.root();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicLong reads = new AtomicLong();
        Map<String, AtomicLong> readerErrors = new ConcurrentSkipListMap<>();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (String owner : new String[] {"a", "b"}) {
            Random r = new Random(seed ^ owner.hashCode());
            threads.add(new Thread(() -> {
                try {
                    Map<String, byte[]> mine = new TreeMap<>();
                    List<String> trail = new ArrayList<>();
                    for (int i = 0; i < ops; i++) {
                        try {
                            String op = step(r, owner, mine, mnt);
                            trail.add(op);
                            counts.computeIfAbsent(op.substring(0, op.indexOf(' ')), k -> new AtomicLong()).incrementAndGet();
                        } catch (Throwable e) {
                            throw new AssertionError("writer " + owner + " op " + i + " after "
                                    + trail.subList(Math.max(0, trail.size() - 8), trail.size()) + " (seed " + seed + ")", e);
                        }
                    }
                    model.putAll(mine);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "writer-" + owner));
        }
        for (int t = 0; t < 2; t++) {
            Random r = new Random(seed + 17 * t);
            threads.add(new Thread(() -> {
                try {
                    while (writing.get()) {
                        Path p = mnt.resolve((r.nextBoolean() ? "a" : "b") + r.nextInt(5));
                        try {
                            reads.addAndGet(Files.readAllBytes(p).length);
                        } catch (NoSuchFileException gone) {
                            // renamed or unlinked meanwhile
                        } catch (IOException e) {
                            // Workers read by path, so a file replaced while open cannot be read on
                            // as on a local file system: renamed over or unlinked, read(2) answers
                            // ENOENT; overwritten and now shorter than the length seen at open,
                            // every worker ends the read early and the client answers EIO.
                            String why = e.getMessage();
                            if (!"Input/output error".equals(why) && !"No such file or directory".equals(why)) {
                                throw e;
                            }
                            readerErrors.computeIfAbsent(why, k -> new AtomicLong()).incrementAndGet();
                        }
                        Thread.sleep(2);
                    }
                } catch (Throwable e) {
                    failures.add(new AssertionError(Thread.currentThread().getName() + " (seed " + seed + ")", e));
                }
            }, "reader-" + t));
        }
        threads.forEach(Thread::start);
        threads.get(0).join();
        threads.get(1).join();
        writing.set(false);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).as("seed %d", seed).isEmpty();
        System.out.printf(Locale.ROOT, "%d files in the model (%d bytes) after %.1f s; operations %s; readers read %d "
                + "bytes; reads of files replaced while open that failed: %s%n", model.size(),
                model.values().stream().mapToLong(b -> b.length).sum(), (System.nanoTime() - t0) / 1e9, counts, reads.get(),
                readerErrors);
        compare("through the first mount", mnt, model, seed);
        mount.close();
        mount = null;
        compare("in the UFS after unmount", cluster.ufsRoot(), model, seed);
        mount = mountCluster();
        compare("through a new mount", mount.root(), model, seed);
    }

    /**
     * One random operation of writer {@code owner} on its own files, applied to its model too;
     * returns "kind name details" (kinds the workers refuse end in "-refused").
     */
    private static String step(Random r, String owner, Map<String, byte[]> model, Path root) throws Exception {
        String name = owner + r.nextInt(5);
        Path p = root.resolve(name);
        byte[] cur = model.get(name);
        int kind = r.nextInt(12);
        if (cur == null) {
            byte[] data = bytes(r, size(r));
            Files.write(p, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            model.put(name, data);
            return "create " + name + " " + data.length;
        } else if (kind < 3) { // overwrite (O_TRUNC)
            byte[] data = bytes(r, size(r));
            Files.write(p, data, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            model.put(name, data);
            return "overwrite " + name + " " + data.length;
        } else if (kind == 3) { // truncate to zero through an open file (ftruncate)
            try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
                raf.setLength(0);
            }
            model.put(name, new byte[0]);
            return "truncate0 " + name;
        } else if (kind == 4) { // append
            byte[] data = bytes(r, 1 + r.nextInt(40_000));
            byte[] next = Arrays.copyOf(cur, cur.length + data.length);
            System.arraycopy(data, 0, next, cur.length, data.length);
            return attempt("append", name, model, next, () -> Files.write(p, data, StandardOpenOption.APPEND));
        } else if (kind == 5) { // pwrite at an offset, possibly past the end
            int off = r.nextInt(cur.length + 70_000);
            byte[] data = bytes(r, 1 + r.nextInt(r.nextBoolean() ? 200_000 : 5000));
            byte[] next = Arrays.copyOf(cur, Math.max(cur.length, off + data.length));
            System.arraycopy(data, 0, next, off, data.length);
            return attempt("pwrite", name, model, next, () -> {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ByteBuffer b = ByteBuffer.wrap(data);
                    while (b.hasRemaining()) {
                        ch.write(b, off + b.position());
                    }
                }
            });
        } else if (kind == 6) { // truncate to a non-zero length, down or up
            int len = 1 + r.nextInt(cur.length + 50_000);
            return attempt("truncate", name, model, Arrays.copyOf(cur, len), () -> {
                try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
                    raf.setLength(len);
                }
            });
        } else if (kind < 9) { // rename over another of my files (or to a free name)
            String to = owner + r.nextInt(5);
            if (!to.equals(name)) {
                Files.move(p, root.resolve(to), StandardCopyOption.REPLACE_EXISTING);
                model.put(to, model.remove(name));
            }
            return "rename " + name + " " + to;
        } else if (kind < 11) { // read back my own file: what I wrote
            byte[] got = Files.readAllBytes(p);
            assertThat(Arrays.mismatch(got, cur)).as("first differing byte of %s read back (%d bytes, model %d)", name,
                    got.length, cur.length).isEqualTo(-1);
            return "readback " + name + " " + got.length;
        } else {
            Files.delete(p);
            model.remove(name);
            return "unlink " + name;
        }
    }

    private interface Op {
        void run() throws IOException;
    }

    /**
     * Runs an operation the workers may refuse: refused with an error, the model keeps the old
     * bytes (nothing may have changed); done, it takes {@code after}.
     */
    private static String attempt(String kind, String name, Map<String, byte[]> model, byte[] after, Op op) {
        try {
            op.run();
        } catch (IOException e) {
            assertThat(e.getMessage()).as("%s of %s refused with EOPNOTSUPP", kind, name).contains("Operation not supported");
            return kind + "-refused " + name;
        }
        model.put(name, after);
        return kind + " " + name + " -> " + after.length;
    }

    /** Mostly small files, a third up to 2 MB, now and then an empty one. */
    private static int size(Random r) {
        int k = r.nextInt(12);
        return k == 0 ? 0 : k < 5 ? r.nextInt(2 << 20) : r.nextInt(9000);
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static void compare(String where, Path root, Map<String, byte[]> model, long seed) throws Exception {
        long t0 = System.nanoTime();
        try (Stream<Path> s = Files.list(root)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).as("names %s (seed %d)", where, seed)
                    .isEqualTo(new ArrayList<>(new TreeMap<>(model).keySet()));
        }
        for (Map.Entry<String, byte[]> e : new TreeMap<>(model).entrySet()) {
            byte[] got = Files.readAllBytes(root.resolve(e.getKey()));
            assertThat(got.length).as("size of %s %s (seed %d)", e.getKey(), where, seed).isEqualTo(e.getValue().length);
            assertThat(Arrays.mismatch(got, e.getValue())).as("first differing byte of %s %s (seed %d)", e.getKey(), where,
                    seed).isEqualTo(-1);
        }
        System.out.printf(Locale.ROOT, "model equal %s (%.1f s)%n", where, (System.nanoTime() - t0) / 1e9);
    }
}
