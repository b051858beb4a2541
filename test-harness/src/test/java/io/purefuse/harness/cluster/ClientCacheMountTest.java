package io.purefuse.harness.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.Backends;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.alluxio.AlluxioWorkerBackend;
import io.purefuse.backend.cache.ClientCache;
import io.purefuse.backend.cache.ClientCacheConfig;
import io.purefuse.vfs.AlluxioFuseFilesystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client-side data cache through a real mount of a 3-worker cluster (real etcd, worker
 * processes on loopback): data read through the cache is right; a file read whole opens through
 * FUSE passthrough the next time (a backing id registered, no ReadBlock from the client); a file
 * changed in the UFS or by another client is read anew once its status changes; the size bound
 * holds; and without the properties nothing changes.
 */
@Timeout(600)
class ClientCacheMountTest {
    static final int MIB = 1 << 20;
    static LocalCluster cluster;

    @BeforeAll
    static void up() throws Exception {
        Path shm = Path.of("/dev/shm");
        LocalCluster.Builder b = LocalCluster.builder().workers(3).cacheSize("256MB");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            b.baseDir(Files.createTempDirectory(shm, "purefuse-ccache-"));
        }
        cluster = b.start();
    }

    @AfterAll
    static void down() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A mount whose client cache lives in a new directory of the cluster's, bounded by {@code size}. */
    static ClusterMount cachedMount(String tag, String size) throws Exception {
        Path dir = Files.createDirectories(cluster.baseDir().resolve("client-cache-" + tag));
        return ClusterMount.mount(cluster, Map.of(ClientCacheConfig.ENABLED, "true",
                ClientCacheConfig.DIRS, dir.toString(), ClientCacheConfig.SIZE, size));
    }

    static AlluxioWorkerBackend client(ClusterMount m) {
        return (AlluxioWorkerBackend) m.backend();
    }

    /**
     * Waits for the kernel's RELEASEs of closed files (they arrive after close(2) returns) and for
     * the backing ids they used to be closed.
     */
    static void awaitReleased(ClusterMount m) throws InterruptedException {
        AlluxioFuseFilesystem fs = m.mounted().fs();
        io.purefuse.session.Passthrough p = m.mounted().session().passthrough();
        for (int i = 0; i < 500 && (fs.openFileCount() > 0 || (p != null && p.openCount() > 0)); i++) {
            Thread.sleep(10);
        }
        assertThat(fs.openFileCount()).as("open handles after close").isZero();
    }

    /**
     * Waits until the mount reports the UFS file's new length and time: the kernel keeps a file's
     * attributes for the attr timeout (1 s), and reads no further than the length it holds, with
     * or without the client cache. The cache must be right from then on.
     */
    static void awaitStatus(Path mounted, Path ufsFile) throws Exception {
        long size = Files.size(ufsFile);
        long mtime = Files.getLastModifiedTime(ufsFile).toMillis();
        for (int i = 0; i < 100; i++) {
            if (Files.size(mounted) == size && Files.getLastModifiedTime(mounted).toMillis() == mtime) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(Files.size(mounted)).as("size of " + mounted).isEqualTo(size);
        assertThat(Files.getLastModifiedTime(mounted).toMillis()).as("mtime of " + mounted).isEqualTo(mtime);
    }

    static String sha(Path f) throws IOException {
        return PatternData.sha256(f, MIB);
    }

    @Test
    void aFileReadWholeOpensThroughPassthroughNextTimeWithoutReadBlock() throws Exception {
        String expect = PatternData.write(cluster.ufsRoot().resolve("whole.bin"), 11, 24L * MIB + 5, MIB);
        try (ClusterMount m = cachedMount("whole", "256MB")) {
            AlluxioWorkerBackend c = client(m);
            assertThat(m.mounted().session().passthrough()).as("passthrough granted at INIT").isNotNull();
            assertThat(sha(m.path("whole.bin"))).isEqualTo(expect);
            awaitReleased(m);
            long calls = c.readBlockCalls();
            assertThat(calls).isPositive();
            assertThat(c.clientCache().stats().fillsCommitted()).isEqualTo(1);

            try (FileChannel ch = FileChannel.open(m.path("whole.bin"), StandardOpenOption.READ)) {
                assertThat(m.mounted().session().passthrough().openCount()).as("backing ids while open").isEqualTo(1);
                ByteBuffer buf = ByteBuffer.allocate(MIB);
                long total = 0;
                for (int n; (n = ch.read(buf.clear())) >= 0; ) {
                    total += n;
                }
                assertThat(total).isEqualTo(24L * MIB + 5);
            }
            assertThat(sha(m.path("whole.bin"))).isEqualTo(expect);
            awaitReleased(m);
            assertThat(c.readBlockCalls()).as("ReadBlock calls after the first read").isEqualTo(calls);
            assertThat(m.mounted().session().passthrough().openCount()).isZero();
            System.out.printf("CCACHE whole file: %d ReadBlock calls for the first read, 0 after; stats %s%n",
                    calls, c.clientCache().stats());
        }
    }

    @Test
    void aFileChangedInTheUfsOrByAnotherClientIsNotServedStale() throws Exception {
        Path ufsFile = cluster.ufsRoot().resolve("changing.bin");
        String v1 = PatternData.write(ufsFile, 21, 8L * MIB, MIB);
        try (ClusterMount m = cachedMount("changing", "256MB");
                FileSystemBackend other = Backends.fromProperties(cluster.clientProperties())) {
            AlluxioWorkerBackend c = client(m);
            assertThat(sha(m.path("changing.bin"))).isEqualTo(v1);
            awaitReleased(m);
            assertThat(c.clientCache().stats().entries()).isEqualTo(1);

            // Rewritten in the UFS: same length, new bytes, a later modification time.
            FileTime t1 = Files.getLastModifiedTime(ufsFile);
            String v2 = PatternData.write(ufsFile, 22, 8L * MIB, MIB);
            Files.setLastModifiedTime(ufsFile, FileTime.fromMillis(t1.toMillis() + 2000));
            long calls = c.readBlockCalls();
            awaitStatus(m.path("changing.bin"), ufsFile);
            assertThat(sha(m.path("changing.bin"))).isEqualTo(v2);
            assertThat(c.readBlockCalls()).as("the new version comes from the workers").isGreaterThan(calls);
            awaitReleased(m);
            assertThat(sha(m.path("changing.bin"))).as("then from its own copy").isEqualTo(v2);
            awaitReleased(m);

            // Rewritten by another client of the cluster (shorter).
            byte[] v3 = "written by another client\n".getBytes();
            try (FileOutStream out = other.createFile(AlluxioPath.of("/changing.bin"),
                    CreateOptions.builder().overwrite(true).build())) {
                out.write(ByteBuffer.wrap(v3));
            }
            awaitStatus(m.path("changing.bin"), ufsFile);
            assertThat(Files.readAllBytes(m.path("changing.bin"))).isEqualTo(v3);
            awaitReleased(m);

            // Changed while this client still has the old copy open through passthrough: the kernel
            // would share that copy with a new open, so the new open is refused, not served stale.
            String v4 = PatternData.write(ufsFile, 24, 4L * MIB, MIB);
            awaitStatus(m.path("changing.bin"), ufsFile);
            assertThat(sha(m.path("changing.bin"))).isEqualTo(v4);
            awaitReleased(m);
            try (FileChannel old = FileChannel.open(m.path("changing.bin"), StandardOpenOption.READ)) {
                assertThat(m.mounted().session().passthrough().openCount()).isEqualTo(1);
                FileTime t4 = Files.getLastModifiedTime(ufsFile);
                PatternData.write(ufsFile, 25, 4L * MIB, MIB);
                Files.setLastModifiedTime(ufsFile, FileTime.fromMillis(t4.toMillis() + 2000));
                assertThatThrownBy(() -> Files.readAllBytes(m.path("changing.bin")))
                        .isInstanceOf(IOException.class).hasMessageContaining("Stale file handle");
                assertThat(old.size()).isEqualTo(4L * MIB);
            }
            awaitReleased(m);
            awaitStatus(m.path("changing.bin"), ufsFile);
            assertThat(sha(m.path("changing.bin"))).isEqualTo(sha(ufsFile));
        }
    }

    @Test
    void theSizeBoundHolds() throws Exception {
        for (int i = 0; i < 5; i++) {
            PatternData.write(cluster.ufsRoot().resolve("bound-" + i + ".bin"), 30 + i, 4L * MIB, MIB);
        }
        try (ClusterMount m = cachedMount("bound", "10MB")) {
            ClientCache cache = client(m).clientCache();
            for (int i = 0; i < 5; i++) {
                assertThat(sha(m.path("bound-" + i + ".bin"))).isEqualTo(sha(cluster.ufsRoot().resolve("bound-" + i + ".bin")));
                awaitReleased(m);
                assertThat(cache.cachedBytes()).isLessThanOrEqualTo(10L * MIB);
                assertThat(onDisk(cluster.baseDir().resolve("client-cache-bound"))).isLessThanOrEqualTo(10L * MIB);
            }
            ClientCache.Stats st = cache.stats();
            assertThat(st.entries()).isEqualTo(2);
            assertThat(st.evictions()).isEqualTo(3);
            // The two read last are the ones kept: they open through passthrough.
            try (FileChannel ch = FileChannel.open(m.path("bound-4.bin"), StandardOpenOption.READ)) {
                assertThat(m.mounted().session().passthrough().openCount()).isEqualTo(1);
            }
            System.out.printf("CCACHE bound 10 MB, 5 x 4 MiB read: %s%n", st);
        }
    }

    static long onDisk(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    @Test
    void withoutThePropertiesNothingChanges() throws Exception {
        String expect = PatternData.write(cluster.ufsRoot().resolve("plain.bin"), 41, 4L * MIB, MIB);
        try (ClusterMount m = ClusterMount.mount(cluster)) {
            AlluxioWorkerBackend c = client(m);
            assertThat(c.clientCache()).isNull();
            assertThat(m.mounted().session().passthrough()).as("no passthrough asked for").isNull();
            assertThat(sha(m.path("plain.bin"))).isEqualTo(expect);
            awaitReleased(m);
            long calls = c.readBlockCalls();
            assertThat(sha(m.path("plain.bin"))).isEqualTo(expect);
            assertThat(c.readBlockCalls()).as("every read goes to the workers").isGreaterThan(calls);
        }
    }
}
