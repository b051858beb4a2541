package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Several threads hammer a small set of names through a real mount (create, write, read, list,
 * rename, delete, mkdir, rmdir, stat) for a bounded time. Expected errnos (ENOENT, EEXIST,
 * ENOTEMPTY, EBUSY, ...) are fine; what must never happen is an operation that hangs, an EIO,
 * or a mount that stops answering. Each thread also keeps a descriptor open across iterations
 * on a file of its own that it unlinks or replaces (rename over it) and then writes, reads and
 * fstats through the old descriptor: those answer the old file's data or a clean errno, and
 * never touch the file that took the name. At the end the tree seen through the mount equals
 * the store's. The seed is printed; set it with -Dpurefuse.test.seed.
 */
@Timeout(120)
class ConcurrentStressTest {
    private static final int THREADS = 6;
    private static final long RUN_MILLIS = 6_000;
    private static final long SLOW_OP_MILLIS = 10_000;

    @ParameterizedTest(name = "random access {0}")
    @ValueSource(booleans = {true, false})
    void mixedOperationsNeverHangOrFailWithEio(boolean randomAccess) throws Exception {
        long seed = Long.getLong("purefuse.test.seed", System.nanoTime());
        System.out.println("ConcurrentStressTest seed=" + seed + " (rerun with -Dpurefuse.test.seed=" + seed + ")");
        try (MountFixture f = MountFixture.start(o -> o.randomAccess(randomAccess))) {
            Path root = f.m("stress");
            Files.createDirectory(root);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicLong ops = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> workers = new ArrayList<>();
            long deadline = System.currentTimeMillis() + RUN_MILLIS;
            for (int t = 0; t < THREADS; t++) {
                Random r = new Random(seed + t);
                Holder holder = new Holder(root, f.u("stress"), t);
                workers.add(pool.submit(() -> {
                    try {
                        while (System.currentTimeMillis() < deadline) {
                            long t0 = System.nanoTime();
                            String what = r.nextInt(4) == 0 ? holder.step(r, failures) : step(root, r, failures);
                        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                        if (ms > SLOW_OP_MILLIS) {
                            failures.add(what + " took " + ms + " ms");
                        }
                            ops.incrementAndGet();
                        }
                    } finally {
                        holder.close(failures);
                    }
                }));
            }
            for (Future<?> w : workers) {
                w.get(RUN_MILLIS + 3 * SLOW_OP_MILLIS, TimeUnit.MILLISECONDS);
            }
            pool.shutdownNow();
            System.out.println("ConcurrentStressTest: " + ops.get() + " operations, " + failures.size() + " failures");
            assertThat(failures).as("hangs, EIO or a dead mount (seed %d)", seed).isEmpty();
            assertThat(ops.get()).isGreaterThan(THREADS * 10L);
            // Still healthy: a fresh file round-trips and the directory lists.
            Files.writeString(f.m("after.txt"), "still here");
            assertThat(Files.readString(f.m("after.txt"))).isEqualTo("still here");
            Set<String> allowed = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                allowed.add("n" + i);
            }
            for (int t = 0; t < THREADS; t++) {
                allowed.add("h" + t + "a");
                allowed.add("h" + t + "b");
            }
            try (Stream<Path> s = Files.list(root)) {
                assertThat(s.map(p -> p.getFileName().toString()).toList())
                        .as("names in the listing").isSubsetOf(allowed);
            }
            Thread.sleep(500); // RELEASEs of the last closes are asynchronous
            assertThat(tree(root)).as("the tree through the mount").isEqualTo(tree(f.u("stress")));
        }
    }

    /** Relative path -> "dir" or the file's content, for a whole tree. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String rel = root.relativize(p).toString();
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    m.put(rel, "dir");
                } else {
                    m.put(rel, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                }
            }
        }
        return m;
    }

    /**
     * A descriptor held across iterations on a file only this thread names ({@code h<t>a}),
     * with the content it must show; the file is unlinked or replaced under it at random.
     */
    private static final class Holder {
        private final Path ufsRoot;
        private final Path a;
        private final Path b;
        private final int id;
        private FileChannel held;
        /** What the held file contains (all of it). */
        private byte[] heldContent;
        /** Whether the held file is still the one named {@code a}. */
        private boolean heldIsNamed;
        /** What {@code a} contains when it is not the held file (null: absent). */
        private byte[] nameContent;
        private int iteration;

        Holder(Path root, Path ufsRoot, int id) {
            this.ufsRoot = ufsRoot;
            this.a = root.resolve("h" + id + "a");
            this.b = root.resolve("h" + id + "b");
            this.id = id;
        }

        String step(Random r, ConcurrentLinkedQueue<String> failures) {
            iteration++;
            String what = "holder " + id + " ";
            try {
                if (held == null) {
                    what += "open";
                    byte[] c = ("A" + id + "-" + iteration + "-").repeat(1 + r.nextInt(50)).getBytes(StandardCharsets.US_ASCII);
                    Files.write(a, c);
                    held = FileChannel.open(a, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    heldContent = c;
                    heldIsNamed = true;
                    nameContent = null;
                    return what;
                }
                switch (r.nextInt(6)) {
                    case 0 -> {
                        what += "replace";
                        byte[] c = ("B" + id + "-" + iteration + "-").repeat(1 + r.nextInt(50)).getBytes(StandardCharsets.US_ASCII);
                        Files.write(b, c);
                        Files.move(b, a, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                        heldIsNamed = false;
                        nameContent = c;
                    }
                    case 1 -> {
                        what += "unlink";
                        Files.deleteIfExists(a);
                        heldIsNamed = false;
                        nameContent = null;
                    }
                    case 2 -> {
                        what += "pwrite";
                        byte[] w = ("W" + iteration).getBytes(StandardCharsets.US_ASCII);
                        int off = r.nextInt(heldContent.length);
                        if (heldTry(what, failures, () -> held.write(ByteBuffer.wrap(w), off))) {
                            byte[] n = Arrays.copyOf(heldContent, Math.max(heldContent.length, off + w.length));
                            System.arraycopy(w, 0, n, off, w.length);
                            heldContent = n;
                        }
                    }
                    case 3 -> {
                        what += "pread";
                        ByteBuffer buf = ByteBuffer.allocate(heldContent.length + 10);
                        if (heldTry(what, failures, () -> {
                            while (buf.hasRemaining() && held.read(buf, buf.position()) > 0) {
                                // until EOF
                            }
                        })) {
                            byte[] got = Arrays.copyOf(buf.array(), buf.position());
                            if (!Arrays.equals(got, heldContent)) {
                                failures.add(what + ": read " + show(got) + " expected " + show(heldContent));
                            }
                        }
                    }
                    case 4 -> {
                        what += "fstat";
                        long[] size = new long[1];
                        if (heldTry(what, failures, () -> size[0] = held.size()) && size[0] != heldContent.length) {
                            failures.add(what + ": size " + size[0] + " expected " + heldContent.length);
                        }
                    }
                    default -> {
                        what += "close";
                        closeHeld(failures);
                    }
                }
                checkName(what, failures);
            } catch (IOException | UncheckedIOException e) {
                // EBUSY: an O_TRUNC open while the RELEASE of the previous descriptor is still
                // on its way (one writer at a time without random access); nothing changed.
                if (!String.valueOf(e.getMessage()).contains("Device or resource busy")) {
                    failures.add(what + ": " + e);
                }
            }
            return what;
        }

        /** Whatever happened through the old descriptor, the name shows what it should. */
        private void checkName(String what, ConcurrentLinkedQueue<String> failures) throws IOException {
            if (held != null && heldIsNamed) {
                return; // the named file is the held one (checked through the descriptor)
            }
            byte[] now = Files.exists(a) ? Files.readAllBytes(a) : null;
            byte[] want = held != null || !heldIsNamed ? nameContent : heldContent;
            if (!Arrays.equals(now, want)) {
                Path inStore = ufsRoot.resolve(a.getFileName().toString());
                byte[] stored = Files.exists(inStore) ? Files.readAllBytes(inStore) : null;
                failures.add(what + ": " + a.getFileName() + " holds " + show(now) + " (in the store " + show(stored)
                        + "), expected " + show(want));
            }
        }

        private interface IoStep {
            void run() throws IOException;
        }

        /** Runs an operation through the held descriptor: true if it worked, false on a clean errno. */
        private boolean heldTry(String what, ConcurrentLinkedQueue<String> failures, IoStep op) {
            try {
                op.run();
                return true;
            } catch (IOException e) {
                String msg = String.valueOf(e.getMessage());
                // ESTALE (only the old name could reach it), EOPNOTSUPP (no random writes): fine.
                if (!msg.contains("Stale file handle") && !msg.contains("Operation not supported")) {
                    failures.add(what + " through the old descriptor: " + e);
                }
                return false;
            }
        }

        private void closeHeld(ConcurrentLinkedQueue<String> failures) {
            FileChannel c = held;
            held = null;
            try {
                c.close();
            } catch (IOException e) {
                failures.add("holder " + id + " close: " + e);
            }
            if (heldIsNamed) {
                nameContent = heldContent;
            }
            heldIsNamed = false;
        }

        void close(ConcurrentLinkedQueue<String> failures) {
            if (held != null) {
                closeHeld(failures);
            }
        }

        private static String show(byte[] b) {
            if (b == null) {
                return "(absent)";
            }
            String s = new String(b, StandardCharsets.US_ASCII);
            return b.length + " bytes \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
    }

    /** One random operation on one of a few names; returns a description for failure messages. */
    private static String step(Path root, Random r, ConcurrentLinkedQueue<String> failures) {
        Path a = root.resolve("n" + r.nextInt(8));
        Path b = root.resolve("n" + r.nextInt(8));
        int op = r.nextInt(9);
        String what = switch (op) {
            case 0 -> "write " + a.getFileName();
            case 1 -> "read " + a.getFileName();
            case 2 -> "list";
            case 3 -> "rename " + a.getFileName() + " " + b.getFileName();
            case 4 -> "delete " + a.getFileName();
            case 5 -> "mkdir " + a.getFileName();
            case 6 -> "write in dir " + a.getFileName();
            case 7 -> "stat " + a.getFileName();
            default -> "append " + a.getFileName();
        };
        try {
            switch (op) {
                case 0 -> Files.write(a, ("data of " + a + " " + r.nextInt()).repeat(1 + r.nextInt(200))
                        .getBytes(StandardCharsets.UTF_8));
                case 1 -> Files.readAllBytes(a);
                case 2 -> {
                    try (Stream<Path> s = Files.list(root)) {
                        s.forEach(p -> { });
                    }
                }
                case 3 -> Files.move(a, b, StandardCopyOption.REPLACE_EXISTING);
                case 4 -> Files.delete(a);
                case 5 -> Files.createDirectory(a);
                case 6 -> Files.writeString(a.resolve("inner"), "x");
                case 7 -> Files.readAttributes(a, "unix:size,mode,nlink");
                default -> Files.writeString(a, "more", java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (NoSuchFileException | java.nio.file.FileAlreadyExistsException
                 | java.nio.file.DirectoryNotEmptyException | java.nio.file.NotDirectoryException expected) {
            // ENOENT, EEXIST, ENOTEMPTY, ENOTDIR: ordinary races between threads
        } catch (IOException | UncheckedIOException e) {
            String msg = String.valueOf(e.getMessage());
            // EISDIR, EBUSY (a second writer) and friends are fine; EIO, EBADF (the VFS lost a
            // handle: no descriptor here is ever closed early) and a dead mount are not.
            if (msg.contains("Input/output error") || msg.contains("Transport endpoint")
                    || msg.contains("Bad file descriptor")
                    || msg.contains("Software caused connection abort") || msg.contains("timed out")) {
                failures.add(what + ": " + e);
            }
        } catch (RuntimeException e) {
            failures.add(what + ": " + e);
        }
        return what;
    }
}
