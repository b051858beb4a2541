package io.purefuse.harness.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.harness.fault.FaultInjectingBackend.Fault;
import io.purefuse.harness.fixture.MountedFs;
import io.purefuse.session.SessionOptions;
import io.purefuse.vfs.AlluxioFuseFilesystem;
import io.purefuse.vfs.VfsOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The VFS under a real mount over a local UFS wrapped in a {@link FaultInjectingBackend}: calls
 * throw, hang past the per-operation backend deadline or return garbage, while four threads and
 * a few SIGKILLed shell loops (their pending requests get INTERRUPTs) hammer the mount. Every
 * request read from /dev/fuse must get exactly one reply (counted on the wire by a
 * {@link ReplyCounter}), no caller may hang, and nothing may leak descriptors.
 * {@code -Dpurefuse.test.seed=N} replays a run.
 */
@Timeout(300)
class FaultInjectionMountTest {
    private static final Duration DEADLINE = Duration.ofMillis(150);

    @Test
    void everyRequestGetsExactlyOneReplyWhateverTheBackendDoes() throws Exception {
        long seed = Long.getLong("purefuse.test.seed", System.nanoTime());
        System.out.println("FaultInjectionMountTest seed=" + seed + " (replay with -Dpurefuse.test.seed=" + seed + ")");
        Path ufs = Files.createTempDirectory("purefuse-fault-ufs-");
        try {
            for (int i = 0; i < 8; i++) {
                Files.write(ufs.resolve("f" + i), new byte[200_000 + i]);
                Files.createDirectories(ufs.resolve("d" + i));
            }
            int fdsBefore = openFds();
            ReplyCounter counter = new ReplyCounter();
            FaultInjectingBackend faulty;
            Map<String, Long> outcomes = new ConcurrentHashMap<>();
            try (LocalUnderFileSystem local = LocalUnderFileSystem.open(ufs)) {
                faulty = new FaultInjectingBackend(local, seed).probability(0.25).slowFor(DEADLINE.multipliedBy(3));
                AlluxioFuseFilesystem fs = new AlluxioFuseFilesystem(faulty, new VfsOptions().randomAccess(true)
                        .symlinks(true).passthrough(false).metadataCacheMaxSize(16)
                        .metadataCacheExpiration(Duration.ZERO).backendTimeout(DEADLINE)
                        .writerWait(Duration.ofMillis(200)).reorderWait(Duration.ofMillis(100)));
                try (MountedFs m = MountedFs.mount(fs, new SessionOptions().readerThreads(4).recorder(counter)
                        .unmountTimeout(Duration.ofSeconds(10)))) {
                    faulty.enabled(true);
                    List<Process> loops = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        loops.add(new ProcessBuilder("/bin/sh", "-c", "while :; do stat " + m.path("f" + i) + " "
                                + m.path("d" + i) + "; cat " + m.path("f" + i) + "; ls " + m.root() + "; done")
                                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                    }
                    List<Thread> workers = new ArrayList<>();
                    List<Throwable> crashes = new java.util.concurrent.CopyOnWriteArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        Random r = new Random(seed + t);
                        Thread th = new Thread(() -> {
                            try {
                                for (int i = 0; i < 250; i++) {
                                    outcomes.merge(randomOp(r, m.root()), 1L, Long::sum);
                                }
                            } catch (Throwable e) {
                                crashes.add(e);
                            }
                        }, "fault-worker-" + t);
                        th.start();
                        workers.add(th);
                    }
                    Thread.sleep(1500);
                    for (Process p : loops) {
                        p.destroyForcibly(); // SIGKILL: a pending request of theirs gets an INTERRUPT
                    }
                    for (Process p : loops) {
                        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("a killed shell loop exits").isTrue();
                    }
                    for (Thread th : workers) {
                        th.join(TimeUnit.SECONDS.toMillis(120));
                        assertThat(th.isAlive()).as("%s finished (no caller hangs)", th.getName()).isFalse();
                    }
                    assertThat(crashes).isEmpty();
                    faulty.enabled(false);
                    // Slow calls finish in the background; their replies went out at the deadline.
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (counter.unanswered() > 0 && System.nanoTime() < until) {
                        Thread.sleep(50);
                    }
                    assertThat(counter.unanswered()).as("requests still without a reply").isZero();
                    // The mount still works normally once the backend behaves.
                    Files.writeString(m.path("after"), "fine");
                    assertThat(Files.readString(m.path("after"))).isEqualTo("fine");
                }
                fs.close();
            }
            Thread.sleep(DEADLINE.multipliedBy(4).toMillis()); // late results are closed as they arrive
            System.out.printf("requests %d, replies %d, no-reply (FORGET/INTERRUPT) %d; backend calls %d,"
                    + " injected: runtime %d, backend %d, slow %d, garbage %d; outcomes %s%n",
                    counter.requests(), counter.replies(), counter.noReplyExpected(), faulty.calls(),
                    faulty.injected(Fault.RUNTIME_EXCEPTION), faulty.injected(Fault.BACKEND_EXCEPTION),
                    faulty.injected(Fault.SLOW), faulty.injected(Fault.GARBAGE), new TreeMap<>(outcomes));
            assertThat(counter.problems()).as("requests without exactly one reply").isEmpty();
            assertThat(counter.requests()).isGreaterThan(1000);
            for (Fault f : Fault.values()) {
                assertThat(faulty.injected(f)).as("faults of kind %s injected", f).isPositive();
            }
            assertThat(outcomes.keySet()).as("some operations failed, some succeeded")
                    .anyMatch(k -> k.endsWith(" ok")).anyMatch(k -> !k.endsWith(" ok"));
            assertThat(openFds()).as("descriptors after unmount (before: %d)", fdsBefore).isLessThanOrEqualTo(fdsBefore + 4);
        } finally {
            deleteTree(ufs);
        }
    }

    /**
     * A backend call that misses the deadline answers ETIMEDOUT; without the deadline the same
     * call would succeed late (the sleep is longer than the deadline, shorter than any test timeout).
     */
    @Test
    void aBackendCallPastItsDeadlineAnswersEtimedoutAndItsLateResultIsDiscarded() throws Exception {
        Path ufs = Files.createTempDirectory("purefuse-deadline-ufs-");
        try (LocalUnderFileSystem local = LocalUnderFileSystem.open(ufs)) {
            Files.writeString(ufs.resolve("slow"), "late");
            FaultInjectingBackend slow = new FaultInjectingBackend(local, 1).probability(1.0)
                    .faults(Set.of(Fault.SLOW)).slowFor(Duration.ofSeconds(2));
            AlluxioFuseFilesystem fs = new AlluxioFuseFilesystem(slow, new VfsOptions().metadataCacheMaxSize(0)
                    .passthrough(false).entryTimeout(Duration.ZERO).attrTimeout(Duration.ZERO)
                    .backendTimeout(Duration.ofMillis(200)));
            ReplyCounter counter = new ReplyCounter();
            try (MountedFs m = MountedFs.mount(fs, new SessionOptions().recorder(counter))) {
                slow.enabled(true);
                FileSystemException e = org.junit.jupiter.api.Assertions.assertThrows(FileSystemException.class,
                        () -> Files.readAttributes(m.path("slow"), "unix:size", LinkOption.NOFOLLOW_LINKS));
                assertThat(e.getReason()).isEqualTo("Connection timed out");
                slow.enabled(false);
                Thread.sleep(2500); // the late getStatus returns now and is dropped
                assertThat(Files.readString(m.path("slow"))).isEqualTo("late");
            }
            fs.close();
            assertThat(counter.problems()).isEmpty();
        } finally {
            deleteTree(ufs);
        }
    }

    private static String randomOp(Random r, Path root) {
        String a = pick(r);
        String b = pick(r);
        int k = r.nextInt(14);
        String name = switch (k) {
            case 0 -> "stat";
            case 1 -> "read";
            case 2 -> "write";
            case 3 -> "pwrite";
            case 4 -> "list";
            case 5 -> "mkdir";
            case 6 -> "rename";
            case 7 -> "delete";
            case 8 -> "symlink";
            case 9 -> "readlink";
            case 10 -> "truncate";
            case 11 -> "statfs";
            case 12 -> "chmod";
            default -> "append";
        };
        try {
            switch (k) {
                case 0 -> Files.readAttributes(root.resolve(a), "unix:*", LinkOption.NOFOLLOW_LINKS);
                case 1 -> Files.readAllBytes(root.resolve(a));
                case 2 -> Files.write(root.resolve(a), new byte[r.nextInt(70_000)]);
                case 3 -> {
                    try (FileChannel ch = FileChannel.open(root.resolve(a), StandardOpenOption.WRITE)) {
                        ch.write(ByteBuffer.wrap(new byte[r.nextInt(9000)]), r.nextInt(300_000));
                    }
                }
                case 4 -> {
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve(r.nextBoolean() ? "" : a))) {
                        ds.forEach(p -> { });
                    }
                }
                case 5 -> Files.createDirectory(root.resolve(a));
                case 6 -> Files.move(root.resolve(a), root.resolve(b), StandardCopyOption.REPLACE_EXISTING);
                case 7 -> Files.delete(root.resolve(a));
                case 8 -> Files.createSymbolicLink(root.resolve(a), Path.of("../target/" + b));
                case 9 -> Files.readSymbolicLink(root.resolve(a));
                case 10 -> {
                    try (FileChannel ch = FileChannel.open(root.resolve(a), StandardOpenOption.WRITE)) {
                        ch.truncate(r.nextInt(100_000));
                    }
                }
                case 11 -> Files.getFileStore(root.resolve(a)).getUsableSpace();
                case 12 -> Files.setPosixFilePermissions(root.resolve(a),
                        java.nio.file.attribute.PosixFilePermissions.fromString(r.nextBoolean() ? "rw-r--r--" : "rwxr-x---"));
                default -> Files.write(root.resolve(a), new byte[r.nextInt(5000)], StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            return name + " ok";
        } catch (FileSystemException e) {
            return name + " " + e.getReason();
        } catch (IOException | RuntimeException e) {
            return name + " " + e.getClass().getSimpleName();
        }
    }

    private static String pick(Random r) {
        String[] names = {"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "d0", "d1", "d2", "d3", "n0", "n1", "l0"};
        return names[r.nextInt(names.length)];
    }

    private static int openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
