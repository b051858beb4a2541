package io.purefuse.harness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.alluxio.AlluxioWorkerBackend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults on a real 3-worker cluster while a file is being written through the mount: the worker
 * owning the file is killed with SIGKILL, or frozen with SIGSTOP, in the middle of the stream;
 * etcd is stopped while writes go on.
 *
 * <p>What must hold: the writer sees an error at a write or at close, within the client's write
 * deadline, and never hangs; a close that returned 0 means every byte is in the UFS (compared by
 * SHA-256 with the pattern written); what a failed write leaves in the UFS is a prefix of what was
 * written, never other bytes; paths owned by the other workers keep being served; the path itself
 * can be written and read again, through the next worker while the owner is gone and through the
 * owner once it is back (same identity and port). Times are printed as {@code RECOVERY} lines
 * (docs/RELIABILITY.md, "Worker and etcd faults").
 */
@Timeout(300)
class ClusterWriteFaultTest {
    /** The client's per-RPC, read and write deadline in these tests. */
    static final Duration RPC_DEADLINE = Duration.ofSeconds(5);
    /** Longest a writer may go unanswered after a fault: the write deadline plus slack for a loaded host. */
    static final Duration ERROR_BOUND = RPC_DEADLINE.multipliedBy(4);
    /** The file written across the fault: large enough to be mid-stream for several seconds. */
    static final long FILE_SIZE = 96L << 20;
    /** The fault lands once this much of it was written. */
    static final long FAULT_AFTER = 16L << 20;
    /** Size of the re-writes that check the path works again. */
    static final int REWRITE_SIZE = 3 << 20;
    /** The workers' etcd lease: a dead or frozen worker leaves the live set this long after it stopped renewing. */
    static final Duration LEASE_TTL = Duration.ofSeconds(10);

    LocalCluster cluster;
    ClusterMount mount;

    @BeforeEach
    void start() throws Exception {
        cluster = LocalCluster.builder().workers(3).cacheSize("512MB")
                .workerProperty(ClusterTestProperties.LEASE_TTL, LEASE_TTL.toSeconds() + "s").start();
        mount = mountWhenLive(() -> ClusterMount.mount(cluster, ClusterTestProperties.faultClient(RPC_DEADLINE)));
    }

    interface Mounter {
        ClusterMount mount() throws Exception;
    }

    /**
     * Mounts, trying again while the client's first etcd listing found no live worker: on a
     * loaded host that listing can miss its few-second wait (the mount then answers nothing).
     */
    static ClusterMount mountWhenLive(Mounter m) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return m.mount();
            } catch (io.purefuse.backend.UnavailableException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(2000);
            }
        }
    }

    @AfterEach
    void down() {
        if (mount != null) {
            mount.close();
        }
        if (cluster != null) {
            cluster.close(); // SIGCONTs a frozen worker before stopping it
        }
    }

    AlluxioWorkerBackend client() {
        return (AlluxioWorkerBackend) mount.backend();
    }

    String ownerId(String name) throws Exception {
        return client().ownerOf(AlluxioPath.of("/" + name)).identity().toString();
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void killDashNineOfTheOwnerDuringAWrite() throws Exception {
        String name = "victim-kill.bin";
        WorkerProcess owner = cluster.workerWithIdentity(ownerId(name));
        int index = cluster.indexOf(owner);
        String identity = owner.identity();
        Map<String, Long> others = writeOthers(id -> true);

        CountDownLatch mid = new CountDownLatch(1);
        CompletableFuture<WriteOutcome> writer = writeInBackground(mount.path(name), 11, FILE_SIZE, FAULT_AFTER, mid);
        assertThat(mid.await(120, TimeUnit.SECONDS)).as("the writer got going").isTrue();
        long kill = System.nanoTime();
        owner.kill9();
        awaitWriter(writer, kill, name, 11, FILE_SIZE, "kill -9 of the owning worker mid-write");

        // The dead worker stays on the ring until its lease expires, but a refused connection
        // (UNAVAILABLE) fails over at once: its files are served too.
        double served = othersServed(others, "kill", id -> true);
        System.out.printf(Locale.ROOT, "RECOVERY kill -9 mid-write: %d other files read and 3 new ones written and read "
                + "back (the dead worker's among them) %.2f s after the kill%n", others.size(), served);
        double again = worksAgain(name, 12, kill, Duration.ofSeconds(60));
        System.out.printf(Locale.ROOT, "RECOVERY kill -9 mid-write: the path was written and read again (through the "
                + "next worker) %.2f s after the kill%n", again);

        long restart = System.nanoTime();
        WorkerProcess back = cluster.restartWorker(index);
        assertThat(back.identity()).as("identity kept in the cache dir").isEqualToIgnoringCase(identity);
        double routed = awaitOwner(name, identity, Duration.ofSeconds(60), restart);
        double works = worksAgain(name, 13, restart, Duration.ofSeconds(60));
        assertThat(ownerId(name)).as("written through the restarted owner").isEqualToIgnoringCase(identity);
        System.out.printf(Locale.ROOT, "RECOVERY kill -9 mid-write: worker restarted in %.2f s (JVM start included), "
                + "owns the path again %.2f s and served a write and read of it %.2f s after the restart%n",
                back.startupTime().toNanos() / 1e9, routed, works);
    }

    @Test
    void aFrozenOwnerFailsTheWriterWithinTheDeadline() throws Exception {
        String name = "victim-stop.bin";
        WorkerProcess owner = cluster.workerWithIdentity(ownerId(name));
        String identity = owner.identity();
        Map<String, Long> others = writeOthers(id -> true);

        CountDownLatch mid = new CountDownLatch(1);
        CompletableFuture<WriteOutcome> writer = writeInBackground(mount.path(name), 21, FILE_SIZE, FAULT_AFTER, mid);
        assertThat(mid.await(120, TimeUnit.SECONDS)).as("the writer got going").isTrue();
        long stop = System.nanoTime();
        owner.sigstop();
        long cont;
        try {
            awaitWriter(writer, stop, name, 21, FILE_SIZE, "SIGSTOP of the owning worker mid-write");
            // At once, while the frozen worker is (most likely) still in the ring: a rewrite of the
            // path goes to it and must fail within the deadline, or work (lease already expired).
            long t = System.nanoTime();
            String early;
            try {
                PatternData.write(mount.path(name), 24, REWRITE_SIZE, 1 << 20);
                early = "worked";
            } catch (IOException e) {
                early = "failed (" + e.getMessage() + ")";
            }
            System.out.printf(Locale.ROOT, "RECOVERY SIGSTOP mid-write: an immediate rewrite of the path %s after %.2f s%n",
                    early, (System.nanoTime() - t) / 1e9);
            // Paths of the live workers are served at once; the frozen one's cost a deadline each.
            double served = othersServed(others, "stop", id -> !id.equalsIgnoreCase(identity));
            System.out.printf(Locale.ROOT, "RECOVERY SIGSTOP mid-write: the other workers' files read and 3 new ones "
                    + "written and read back %.2f s after the stop%n", served);
            double again = worksAgain(name, 22, stop, Duration.ofSeconds(90));
            System.out.printf(Locale.ROOT, "RECOVERY SIGSTOP mid-write: the path was written and read again (through "
                    + "the next worker, once the frozen one's %d s lease ran out) %.2f s after the stop%n",
                    LEASE_TTL.toSeconds(), again);
        } finally {
            owner.sigcont();
            cont = System.nanoTime();
        }
        double routed = awaitOwner(name, identity, Duration.ofSeconds(60), cont);
        // Whatever the thawed worker still had queued (chunks of the dead stream, the calls that
        // timed out) runs now; the file closed successfully during the stop must not change.
        Thread.sleep(2000);
        Path ufs = cluster.ufsRoot().resolve(name);
        assertThat(PatternData.sha256(ufs, 1 << 20))
                .as("the UFS file whose close returned 0 during the stop (%d bytes), after the frozen owner ran again "
                        + "(%s bytes)", REWRITE_SIZE, Files.exists(ufs) ? Files.size(ufs) : "no file")
                .isEqualTo(PatternData.sha256Of(22, REWRITE_SIZE));
        long check = System.nanoTime();
        double works = worksAgain(name, 23, check, Duration.ofSeconds(60));
        assertThat(ownerId(name)).as("written through the thawed owner").isEqualToIgnoringCase(identity);
        System.out.printf(Locale.ROOT, "RECOVERY SIGSTOP mid-write: after SIGCONT the worker owns the path again in %.2f s;"
                + " the file written during the stop unchanged; a write and read of the path through the thawed owner "
                + "took %.2f s%n", routed, works);
    }

    @Test
    void writesGoOnWhileEtcdIsDown() throws Exception {
        // One large write spans the stop; small and medium files are written while etcd is away.
        CountDownLatch mid = new CountDownLatch(1);
        long spanning = 48L << 20;
        CompletableFuture<WriteOutcome> writer = writeInBackground(mount.path("spanning.bin"), 31, spanning, 8L << 20, mid);
        assertThat(mid.await(120, TimeUnit.SECONDS)).as("the writer got going").isTrue();
        Files.createDirectories(mount.path("etcd"));
        Map<String, Long> written = new LinkedHashMap<>();
        long stop = System.nanoTime();
        cluster.etcd().stop();
        try {
            // Several of the client's membership refreshes (about one a second) with etcd gone.
            for (int i = 0; System.nanoTime() - stop < Duration.ofSeconds(6).toNanos() || i < 10; i++) {
                String f = "etcd/w" + i;
                long size = i % 4 == 0 ? 4L << 20 : 50_000 + 997L * i;
                String sha = PatternData.write(mount.path(f), 300 + i, size, 1 << 20);
                assertThat(PatternData.sha256(mount.path(f), 1 << 20)).as("read back " + f).isEqualTo(sha);
                written.put(f, size);
            }
            WriteOutcome o = writer.get(120, TimeUnit.SECONDS);
            assertThat(o.error()).as("the write spanning the etcd stop").isNull();
            assertThat(client().liveWorkers()).as("membership keeps the last set while etcd is down").hasSize(3);
            System.out.printf(Locale.ROOT, "RECOVERY etcd down: %d files written and read back and a 48 MiB write "
                    + "spanning the stop completed, no error, in %.1f s without etcd%n", written.size(),
                    (System.nanoTime() - stop) / 1e9);
        } finally {
            cluster.etcd().start();
        }
        written.put("spanning.bin", spanning);
        String after = "etcd/after";
        PatternData.write(mount.path(after), 399, 1 << 20, 1 << 20);
        written.put(after, 1L << 20);
        long check = System.nanoTime();
        for (Map.Entry<String, Long> e : written.entrySet()) {
            long seed = e.getKey().equals("spanning.bin") ? 31
                    : e.getKey().equals(after) ? 399 : 300 + Long.parseLong(e.getKey().substring("etcd/w".length()));
            assertThat(PatternData.sha256(cluster.ufsRoot().resolve(e.getKey()), 1 << 20)).as("UFS copy of " + e.getKey())
                    .isEqualTo(PatternData.sha256Of(seed, e.getValue()));
        }
        assertThat(client().liveWorkers()).as("all workers live after etcd is back").hasSize(3);
        System.out.printf(Locale.ROOT, "RECOVERY etcd down: all %d files byte-identical in the UFS (checked in %.1f s)%n",
                written.size(), (System.nanoTime() - check) / 1e9);
    }

    // ------------------------------------------------------------------ the writer

    /** How a write through the mount ended: the error and where it came (null: close returned 0). */
    record WriteOutcome(long accepted, String phase, IOException error, long endNanos) {}

    /**
     * Writes {@code size} bytes of pattern {@code seed} to {@code file} in 1 MiB writes (pausing a
     * little after each, so that a fault lands mid-stream), then closes it; counts {@code mid}
     * down once {@code after} bytes were written (or on error).
     */
    static CompletableFuture<WriteOutcome> writeInBackground(Path file, long seed, long size, long after,
            CountDownLatch mid) {
        CompletableFuture<WriteOutcome> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            long off = 0;
            String phase = "open";
            FileChannel ch = null;
            try {
                ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                phase = "write";
                while (off < size) {
                    int n = (int) Math.min(buf.capacity(), size - off);
                    buf.clear().limit(n);
                    PatternData.fill(buf, seed, off);
                    buf.flip();
                    while (buf.hasRemaining()) {
                        off += ch.write(buf);
                    }
                    if (off >= after) {
                        mid.countDown();
                    }
                    Thread.sleep(3);
                }
                phase = "close";
                FileChannel c = ch;
                ch = null;
                c.close();
                result.complete(new WriteOutcome(off, null, null, System.nanoTime()));
            } catch (IOException e) {
                long end = System.nanoTime();
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException closing) {
                        e.addSuppressed(closing);
                    }
                }
                mid.countDown();
                result.complete(new WriteOutcome(off, phase, e, end));
            } catch (InterruptedException e) {
                mid.countDown();
                result.completeExceptionally(e);
            }
        }, "fault-writer");
        t.setDaemon(true);
        t.start();
        return result;
    }

    /**
     * Waits for the writer (it must not hang) and checks the UFS: all bytes if close returned 0,
     * else a prefix of the pattern (never other bytes). Asserts the answer came within
     * {@link #ERROR_BOUND}.
     */
    WriteOutcome awaitWriter(CompletableFuture<WriteOutcome> writer, long faultNanos, String name, long seed, long size,
            String what) throws Exception {
        WriteOutcome o;
        long limit = ERROR_BOUND.toSeconds() + 60;
        try {
            o = writer.get(limit, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": the writer hung for more than " + limit + " s");
        }
        double secs = (o.endNanos() - faultNanos) / 1e9;
        Path ufs = cluster.ufsRoot().resolve(name);
        if (o.error() == null) {
            System.out.printf(Locale.ROOT, "RECOVERY %s: the write completed %.2f s after the fault%n", what, secs);
            assertThat(PatternData.sha256(ufs, 1 << 20)).as("UFS copy of a file whose close returned 0")
                    .isEqualTo(PatternData.sha256Of(seed, size));
        } else {
            long left = Files.exists(ufs) ? Files.size(ufs) : -1;
            System.out.printf(Locale.ROOT, "RECOVERY %s: the writer got an error at %s %.2f s after the fault, %d MiB "
                    + "accepted: %s; the UFS holds %s%n", what, o.phase(), secs, o.accepted() >> 20, o.error(),
                    left < 0 ? "no file" : left + " bytes (a prefix of the data)");
            assertThat(o.phase()).as("where the error came").isIn("write", "close");
            if (left >= 0) {
                assertThat(left).as("UFS size after the failed write").isLessThanOrEqualTo(size);
                assertThat(PatternData.sha256(ufs, 1 << 20)).as("what the failed write left in the UFS is a prefix")
                        .isEqualTo(PatternData.sha256Of(seed, left));
            }
        }
        assertThat(secs).as(what + ": the writer got its answer within the bound").isLessThan(ERROR_BOUND.toSeconds());
        return o;
    }

    // ------------------------------------------------------------------ other paths, the path again

    /** Small files under {@code others/}, owned by workers {@code owners} accepts: name -> seed. */
    Map<String, Long> writeOthers(Predicate<String> owners) throws Exception {
        Files.createDirectories(mount.path("others"));
        Map<String, Long> files = new LinkedHashMap<>();
        for (int i = 0; files.size() < 6 && i < 200; i++) {
            String name = "others/o" + i;
            if (owners.test(ownerId(name))) {
                Files.write(mount.path(name), PatternData.bytes(100 + i, 40_000 + i));
                files.put(name, 100L + i);
            }
        }
        return files;
    }

    /**
     * Reads back the files of {@code others} whose owner {@code live} accepts, writes and reads
     * back three new files (owned by accepted workers) and lists the directory; returns the
     * seconds it took.
     */
    double othersServed(Map<String, Long> others, String tag, Predicate<String> live) throws Exception {
        long t0 = System.nanoTime();
        for (Map.Entry<String, Long> e : others.entrySet()) {
            if (live.test(ownerId(e.getKey()))) {
                int len = 40_000 + (int) (e.getValue() - 100);
                assertThat(Files.readAllBytes(mount.path(e.getKey()))).as("read " + e.getKey())
                        .isEqualTo(PatternData.bytes(e.getValue(), len));
            }
        }
        List<String> fresh = new ArrayList<>();
        for (int i = 0; fresh.size() < 3 && i < 200; i++) {
            String name = "others/" + tag + "-new" + i;
            if (live.test(ownerId(name))) {
                Files.write(mount.path(name), PatternData.bytes(500 + i, 30_000));
                assertThat(Files.readAllBytes(mount.path(name))).isEqualTo(PatternData.bytes(500 + i, 30_000));
                fresh.add(name);
            }
        }
        try (Stream<Path> s = Files.list(mount.path("others"))) {
            assertThat(s.map(p -> "others/" + p.getFileName()).toList()).containsAll(fresh);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Writes {@link #REWRITE_SIZE} bytes of pattern {@code seed} to {@code name} through the mount
     * and reads them back (through the mount and in the UFS), retrying on I/O errors until it
     * works; returns the seconds since {@code since}. Wrong bytes after a successful close fail at
     * once.
     */
    double worksAgain(String name, long seed, long since, Duration limit) throws Exception {
        String sha = PatternData.sha256Of(seed, REWRITE_SIZE);
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> failures = new ArrayList<>();
        while (true) {
            String written;
            try {
                written = PatternData.write(mount.path(name), seed, REWRITE_SIZE, 1 << 20);
            } catch (IOException e) {
                failures.add(String.format(Locale.ROOT, "%.1f s: %s", (System.nanoTime() - since) / 1e9, e));
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + " not writable again within " + limit.toSeconds() + " s: " + failures);
                }
                Thread.sleep(200);
                continue;
            }
            assertThat(written).isEqualTo(sha);
            double secs = (System.nanoTime() - since) / 1e9;
            assertThat(PatternData.sha256(mount.path(name), 1 << 20)).as("read back " + name).isEqualTo(sha);
            assertThat(PatternData.sha256(cluster.ufsRoot().resolve(name), 1 << 20)).as("UFS copy of " + name).isEqualTo(sha);
            if (!failures.isEmpty()) {
                System.out.printf(Locale.ROOT, "  (%s: %d failed attempt(s) first: %s)%n", name, failures.size(), failures);
            }
            return secs;
        }
    }

    /** Polls the client's owner of {@code name} until it is {@code identity}; returns the seconds since {@code since}. */
    double awaitOwner(String name, String identity, Duration limit, long since) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            String id = ownerId(name);
            if (id.equalsIgnoreCase(identity)) {
                return (System.nanoTime() - since) / 1e9;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("owner of " + name + " still " + id + " after " + limit.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }
}
