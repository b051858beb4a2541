package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.mount.MountOptions;
import io.purefuse.session.FuseSession;
import io.purefuse.session.SessionOptions;
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
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing written through the mount is torn or lost: two writer threads (each owning its own
 * files, so each keeps an exact model) pwrite at random offsets, append, truncate (down and up),
 * rename over each other and unlink, while two reader threads read whatever exists. Then the
 * mount is unmounted, the UFS is compared with the model byte for byte, the same UFS is mounted
 * again and compared once more through the new mount. Random access on.
 * {@code -Dpurefuse.test.seed=N} replays a run, {@code -Dpurefuse.test.ops=N} sets the length.
 */
@Timeout(600)
class DurabilityModelTest {
    /** With passthrough the kernel writes the UFS file itself; without it every byte goes through the VFS. */
    @ParameterizedTest(name = "passthrough {0}")
    @ValueSource(booleans = {false, true})
    void whatWasWrittenIsWhatIsReadAfterARemount(boolean passthrough) throws Exception {
        long seed = Long.getLong("purefuse.test.seed", System.nanoTime());
        int ops = Integer.getInteger("purefuse.test.ops", 400);
        System.out.println("DurabilityModelTest passthrough=" + passthrough + " seed=" + seed + " ops=" + ops + " per writer (replay with"
                + " -Dpurefuse.test.seed=" + seed + ")");
        Path base = Files.createTempDirectory("purefuse-durability-");
        Path ufs = Files.createDirectory(base.resolve("ufs"));
        Path mnt = Files.createDirectory(base.resolve("mnt"));
        Map<String, byte[]> model = new ConcurrentHashMap<>();
        try {
            try (Mounted m = Mounted.on(ufs, mnt, passthrough)) {
                AtomicBoolean writing = new AtomicBoolean(true);
                List<Throwable> failures = new CopyOnWriteArrayList<>();
                AtomicLong reads = new AtomicLong();
                AtomicLong staleOpens = new AtomicLong();
                List<Thread> threads = new ArrayList<>();
                for (String owner : new String[] {"a", "b"}) {
                    Random r = new Random(seed ^ owner.hashCode());
                    threads.add(new Thread(() -> {
                        try {
                            Map<String, byte[]> mine = new TreeMap<>();
                            List<String> trail = new ArrayList<>();
                            for (int i = 0; i < ops; i++) {
                                try {
                                    trail.add(step(r, owner, mine, mnt));
                                } catch (Exception e) {
                                    throw new AssertionError("writer " + owner + " op " + i + " after "
                                            + trail.subList(Math.max(0, trail.size() - 8), trail.size()), e);
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
                                FileChannel ch;
                                try {
                                    ch = FileChannel.open(p, StandardOpenOption.READ);
                                } catch (NoSuchFileException gone) {
                                    continue; // renamed or unlinked meanwhile
                                } catch (java.nio.file.FileSystemException e) {
                                    if (!"Stale file handle".equals(e.getReason())) {
                                        throw e;
                                    }
                                    // The open lost two races with a rename over the name (the
                                    // kernel retries ESTALE once): documented in RELIABILITY.md.
                                    staleOpens.incrementAndGet();
                                    continue;
                                }
                                try (ch) { // once open, every read must work
                                    ByteBuffer b = ByteBuffer.allocate(1 << 16);
                                    int n;
                                    while ((n = ch.read(b.clear())) >= 0) {
                                        reads.addAndGet(n);
                                    }
                                }
                            }
                        } catch (Throwable e) {
                            failures.add(e);
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
                System.out.printf("%d files in the model (%d bytes), readers read %d bytes (%d opens ESTALE)%n",
                        model.size(), model.values().stream().mapToLong(b -> b.length).sum(), reads.get(),
                        staleOpens.get());
                compare("through the first mount", mnt, model, seed);
            }
            compare("in the UFS after unmount", ufs, model, seed);
            try (Mounted again = Mounted.on(ufs, mnt, passthrough)) {
                compare("through a new mount", mnt, model, seed);
            }
        } finally {
            MountFixture.forceUnmount(mnt);
            MountFixture.deleteTree(base);
        }
    }

    /** One random operation of writer {@code owner} on its own files, applied to its model too. */
    private static String step(Random r, String owner, Map<String, byte[]> model, Path root) throws Exception {
        String name = owner + r.nextInt(5);
        Path p = root.resolve(name);
        byte[] cur = model.get(name);
        int kind = r.nextInt(10);
        if (cur == null) {
            byte[] data = bytes(r, r.nextInt(3) == 0 ? r.nextInt(600_000) : r.nextInt(9000));
            Files.write(p, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            model.put(name, data);
            return "create " + name + " " + data.length;
        } else if (kind < 4) { // pwrite at an offset, possibly past the end (a hole of zeros)
            int off = r.nextInt(cur.length + 70_000);
            byte[] data = bytes(r, 1 + r.nextInt(r.nextBoolean() ? 200_000 : 5000));
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) {
                    ch.write(b, off + b.position());
                }
            }
            byte[] next = Arrays.copyOf(cur, Math.max(cur.length, off + data.length));
            System.arraycopy(data, 0, next, off, data.length);
            model.put(name, next);
            return "pwrite " + name + " @" + off + " +" + data.length;
        } else if (kind < 6) { // append
            byte[] data = bytes(r, 1 + r.nextInt(40_000));
            Files.write(p, data, StandardOpenOption.APPEND);
            byte[] next = Arrays.copyOf(cur, cur.length + data.length);
            System.arraycopy(data, 0, next, cur.length, data.length);
            model.put(name, next);
            return "append " + name + " +" + data.length;
        } else if (kind < 8) { // truncate down or up
            int len = r.nextInt(cur.length + 50_000);
            try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
                raf.setLength(len);
            }
            model.put(name, Arrays.copyOf(cur, len));
            return "truncate " + name + " " + len;
        } else if (kind == 8) { // rename over another of my files (or to a free name)
            String to = owner + r.nextInt(5);
            if (!to.equals(name)) {
                Files.move(p, root.resolve(to), StandardCopyOption.REPLACE_EXISTING);
                model.put(to, model.remove(name));
            }
            return "rename " + name + " " + to;
        } else {
            Files.delete(p);
            model.remove(name);
            return "unlink " + name;
        }
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static void compare(String where, Path root, Map<String, byte[]> model, long seed) throws Exception {
        try (Stream<Path> s = Files.list(root)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).as("names %s (seed %d)", where, seed)
                    .isEqualTo(new ArrayList<>(new TreeMap<>(model).keySet()));
        }
        for (Map.Entry<String, byte[]> e : new TreeMap<>(model).entrySet()) {
            byte[] got = Files.readAllBytes(root.resolve(e.getKey()));
            assertThat(got.length).as("size of %s %s (seed %d)", e.getKey(), where, seed).isEqualTo(e.getValue().length);
            int diff = Arrays.mismatch(got, e.getValue());
            assertThat(diff).as("first differing byte of %s %s (seed %d)", e.getKey(), where, seed).isEqualTo(-1);
        }
    }

    /** A mount of the VFS over an existing UFS directory; close() unmounts and closes everything. */
    private record Mounted(LocalUnderFileSystem backend, AlluxioFuseFilesystem fs, FuseSession session)
            implements AutoCloseable {
        static Mounted on(Path ufs, Path mnt, boolean passthrough) throws Exception {
            LocalUnderFileSystem backend = LocalUnderFileSystem.open(ufs);
            AlluxioFuseFilesystem fs = new AlluxioFuseFilesystem(backend, new VfsOptions().randomAccess(true).passthrough(passthrough)
                    .metadataCacheExpiration(Duration.ofSeconds(2)).writerWait(Duration.ofMillis(500)));
            try {
                FuseSession s = FuseSession.mount(mnt, fs, new SessionOptions().readerThreads(4)
                        .mount(MountOptions.builder().fsname("alluxio-fuse").subtype("purefuse").build())
                        .unmountTimeout(Duration.ofSeconds(10)).passthrough(fs.wantsPassthrough()));
                return new Mounted(backend, fs, s);
            } catch (Exception e) {
                fs.close();
                backend.close();
                throw e;
            }
        }

        @Override
        public void close() throws Exception {
            try {
                session.close();
            } finally {
                fs.close();
                backend.close();
            }
        }
    }
}
