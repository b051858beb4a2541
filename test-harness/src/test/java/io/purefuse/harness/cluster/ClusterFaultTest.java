package io.purefuse.harness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.alluxio.AlluxioWorkerBackend;
import io.purefuse.backend.membership.WorkerInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults on a real 3-worker cluster under a mount: the worker owning a file is killed with
 * SIGKILL (or frozen with SIGSTOP) in the middle of a read; etcd goes away; a worker restarts.
 * A read in flight must complete (through the next worker) or fail with EIO within the client's
 * deadline, never hang; later reads must work. Recovery times are printed ({@code RECOVERY ...}).
 */
@Timeout(600)
class ClusterFaultTest {
    /** The client's per-RPC deadline in these tests: short, so that a frozen worker is noticed quickly. */
    static final Duration RPC_DEADLINE = Duration.ofSeconds(5);
    /** Longest a read may take to finish or fail after a fault: the deadline plus fail-over slack. */
    static final Duration READ_BOUND = RPC_DEADLINE.multipliedBy(6);
    static final long FILE_SIZE = 256L << 20;
    /** The workers' etcd lease: a killed worker leaves the live set this long after its death. */
    static final Duration LEASE_TTL = Duration.ofSeconds(10);

    LocalCluster cluster;
    ClusterMount mount;

    void start() throws Exception {
        cluster = LocalCluster.builder().workers(3).cacheSize("1GB")
                .workerProperty(ClusterTestProperties.LEASE_TTL, LEASE_TTL.toSeconds() + "s").start();
        mount = ClusterMount.mount(cluster, clientProperties());
    }

    static Map<String, String> clientProperties() {
        return ClusterTestProperties.faultClient(RPC_DEADLINE);
    }

    @AfterEach
    void down() {
        if (mount != null) {
            mount.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    AlluxioWorkerBackend client() {
        return (AlluxioWorkerBackend) mount.backend();
    }

    /** Writes a pattern file straight into the under-store; returns its SHA-256. */
    String ufsFile(String name, long seed) throws IOException {
        return PatternData.write(cluster.ufsRoot().resolve(name), seed, FILE_SIZE, 1 << 20);
    }

    WorkerProcess ownerProcess(String name) throws Exception {
        WorkerInfo owner = client().ownerOf(AlluxioPath.of("/" + name));
        return cluster.workerWithIdentity(owner.identity().toString());
    }

    /** Outcome of a read through the mount: its digest, or the error, and when it ended. */
    record ReadOutcome(String sha256, IOException error, long endNanos) {}

    /**
     * Reads {@code file} through the mount in 1 MiB reads, pausing a little after each so a
     * fault lands mid-read; counts {@code started} down after {@code afterBytes}.
     */
    static CompletableFuture<ReadOutcome> readInBackground(Path file, long afterBytes, CountDownLatch started) {
        CompletableFuture<ReadOutcome> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            MessageDigest sha = PatternData.sha256();
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            long total = 0;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                while (ch.read(buf.clear()) >= 0) {
                    buf.flip();
                    total += buf.remaining();
                    sha.update(buf);
                    if (total >= afterBytes) {
                        started.countDown();
                    }
                    Thread.sleep(4);
                }
                result.complete(new ReadOutcome(HexFormat.of().formatHex(sha.digest()), null, System.nanoTime()));
            } catch (IOException e) {
                started.countDown();
                result.complete(new ReadOutcome(null, e, System.nanoTime()));
            } catch (InterruptedException e) {
                result.completeExceptionally(e);
            }
        }, "fault-reader");
        t.setDaemon(true);
        t.start();
        return result;
    }

    /** Asserts the read ended within the bound, and either with the right bytes or with EIO. */
    static ReadOutcome awaitOutcome(CompletableFuture<ReadOutcome> read, long faultNanos, String expectedSha, String what)
            throws Exception {
        ReadOutcome o;
        try {
            o = read.get(READ_BOUND.toSeconds() + 60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + ": the read hung for more than " + (READ_BOUND.toSeconds() + 60) + " s");
        }
        double secs = (o.endNanos() - faultNanos) / 1e9;
        if (o.error() != null) {
            System.out.printf(Locale.ROOT, "RECOVERY %s: the read in flight failed after %.2f s: %s%n", what, secs, o.error());
            assertThat(o.error().getMessage()).as("errno of the failed read").containsAnyOf("Input/output error", "EIO");
        } else {
            System.out.printf(Locale.ROOT, "RECOVERY %s: the read in flight completed %.2f s after the fault, bytes intact%n",
                    what, secs);
            assertThat(o.sha256()).as("bytes read across the fault").isEqualTo(expectedSha);
        }
        assertThat(secs).as(what + ": the read ended within the bound").isLessThan(READ_BOUND.toSeconds());
        return o;
    }

    /** Reads the file again until it reads correctly; returns the seconds since {@code sinceNanos}. */
    double readsAgain(Path file, String sha, long sinceNanos) throws Exception {
        long deadline = System.nanoTime() + READ_BOUND.toNanos() * 2;
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                assertThat(PatternData.sha256(file, 1 << 20)).isEqualTo(sha);
                return (System.nanoTime() - sinceNanos) / 1e9;
            } catch (IOException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw new AssertionError("reads of " + file + " never worked again", last);
    }

    @Test
    void killDashNineOfTheOwnerDuringARead() throws Exception {
        start();
        String sha = ufsFile("victim.bin", 7);
        WorkerProcess owner = ownerProcess("victim.bin");
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<ReadOutcome> read = readInBackground(mount.path("victim.bin"), 32L << 20, started);
        assertThat(started.await(120, TimeUnit.SECONDS)).isTrue();
        long kill = System.nanoTime();
        owner.kill9();
        awaitOutcome(read, kill, sha, "kill -9 of the owning worker");
        double again = readsAgain(mount.path("victim.bin"), sha, kill);
        System.out.printf(Locale.ROOT, "RECOVERY kill -9: a new read of the whole file worked %.2f s after the kill%n", again);
        // Other files, new files, listings: all still work with one worker gone.
        Files.writeString(mount.path("after-kill.txt"), "still writable\n");
        assertThat(Files.readString(mount.path("after-kill.txt"))).isEqualTo("still writable\n");
        try (Stream<Path> s = Files.list(mount.root())) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).contains("victim.bin", "after-kill.txt");
        }
    }

    @Test
    void aFrozenOwnerNeverHangsARead() throws Exception {
        start();
        String sha = ufsFile("frozen.bin", 8);
        WorkerProcess owner = ownerProcess("frozen.bin");
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<ReadOutcome> read = readInBackground(mount.path("frozen.bin"), 32L << 20, started);
        assertThat(started.await(120, TimeUnit.SECONDS)).isTrue();
        long stop = System.nanoTime();
        owner.sigstop();
        try {
            awaitOutcome(read, stop, sha, "SIGSTOP of the owning worker");
            double again = readsAgain(mount.path("frozen.bin"), sha, stop);
            System.out.printf(Locale.ROOT, "RECOVERY SIGSTOP: a new read of the whole file worked %.2f s after the stop%n",
                    again);
        } finally {
            owner.sigcont();
        }
        // Thawed, the worker serves again.
        assertThat(PatternData.sha256(mount.path("frozen.bin"), 1 << 20)).isEqualTo(sha);
    }

    @Test
    void theMountKeepsServingWhileEtcdIsDown() throws Exception {
        start();
        Files.createDirectories(mount.path("dir"));
        for (int i = 0; i < 20; i++) {
            Files.write(mount.path("dir/f" + i), PatternData.bytes(i, 10_000 + i));
        }
        long stop = System.nanoTime();
        cluster.etcd().stop();
        try {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 20; i++) {
                    assertThat(Files.readAllBytes(mount.path("dir/f" + i))).isEqualTo(PatternData.bytes(i, 10_000 + i));
                }
                try (Stream<Path> s = Files.list(mount.path("dir"))) {
                    assertThat(s.count()).isGreaterThanOrEqualTo(20);
                }
                Files.write(mount.path("dir/new-" + round), PatternData.bytes(1000 + round, 5000));
                assertThat(Files.readAllBytes(mount.path("dir/new-" + round))).isEqualTo(PatternData.bytes(1000 + round, 5000));
                Thread.sleep(1500); // past the client's membership refresh: it must keep its last view
            }
            System.out.printf(Locale.ROOT, "RECOVERY etcd down: %.1f s of reads, writes and listings all answered%n",
                    (System.nanoTime() - stop) / 1e9);
        } finally {
            cluster.etcd().start();
        }
        // etcd back: membership changes are seen again (a worker leaving is noticed).
        Files.write(mount.path("dir/after-etcd"), PatternData.bytes(77, 3000));
        assertThat(Files.readAllBytes(mount.path("dir/after-etcd"))).isEqualTo(PatternData.bytes(77, 3000));
    }

    @Test
    void aRestartedWorkerRejoinsWithItsIdentity() throws Exception {
        start();
        // A file owned by worker 0, to watch the ring route to it again.
        WorkerProcess w0 = cluster.worker(0);
        String name = null;
        for (int i = 0; name == null && i < 200; i++) {
            String candidate = "owned-" + i;
            if (client().ownerOf(AlluxioPath.of("/" + candidate)).identity().toString().equalsIgnoreCase(w0.identity())) {
                name = candidate;
            }
        }
        assertThat(name).as("a name owned by worker 0").isNotNull();
        String sha = PatternData.write(cluster.ufsRoot().resolve(name), 9, 8 << 20, 1 << 20);
        String identity = w0.identity();

        int status = w0.terminate();
        long stopped = System.nanoTime();
        assertThat(status).as("SIGTERM: the worker deregisters and exits 0\n" + w0.logTail(20)).isZero();
        double gone = awaitOwner(name, id -> !id.equalsIgnoreCase(identity), Duration.ofSeconds(60), stopped);
        System.out.printf(Locale.ROOT, "RECOVERY SIGTERM: the client routed %s away from the stopped worker after %.2f s%n",
                name, gone);
        assertThat(PatternData.sha256(mount.path(name), 1 << 20)).isEqualTo(sha);

        long restart = System.nanoTime();
        WorkerProcess again = cluster.restartWorker(0);
        assertThat(again.identity()).as("identity kept in the cache dir").isEqualToIgnoringCase(identity);
        double back = awaitOwner(name, id -> id.equalsIgnoreCase(identity), Duration.ofSeconds(60), restart);
        System.out.printf(Locale.ROOT, "RECOVERY restart: worker up in %.2f s (JVM start included); the client routed %s "
                + "to it again %.2f s after the restart%n", again.startupTime().toNanos() / 1e9, name, back);
        assertThat(PatternData.sha256(mount.path(name), 1 << 20)).isEqualTo(sha);
    }

    /** Polls the client's owner of {@code name} until {@code test} holds; returns the seconds since {@code since}. */
    double awaitOwner(String name, java.util.function.Predicate<String> test, Duration limit, long since) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            String id = client().ownerOf(AlluxioPath.of("/" + name)).identity().toString();
            if (test.test(id)) {
                return (System.nanoTime() - since) / 1e9;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("owner of " + name + " still " + id + " after " + limit.toSeconds() + " s; workers "
                        + cluster.workers() + ", client sees " + List.of(client()));
            }
            Thread.sleep(100);
        }
    }
}
