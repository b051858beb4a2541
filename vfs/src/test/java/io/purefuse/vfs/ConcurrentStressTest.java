package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * or a mount that stops answering. The seed is printed; set it with -Dpurefuse.test.seed.
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
                workers.add(pool.submit(() -> {
                    while (System.currentTimeMillis() < deadline) {
                        long t0 = System.nanoTime();
                        String what = step(root, r, failures);
                        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                        if (ms > SLOW_OP_MILLIS) {
                            failures.add(what + " took " + ms + " ms");
                        }
                        ops.incrementAndGet();
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
            try (Stream<Path> s = Files.list(root)) {
                assertThat(s.count()).isGreaterThanOrEqualTo(0);
            }
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
