package io.purefuse.harness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.cache.ClientCacheConfig;
import io.purefuse.harness.fixture.MountedFs;
import io.purefuse.harness.fixture.Shell;
import io.purefuse.vfs.cli.AlluxioFuseCommand;
import io.purefuse.vfs.cli.RuntimeFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code alluxio-fuse mount -D alluxio.user.client.cache.*} as a user runs it (its own process,
 * in the background): a file read through the mount lands whole in the cache directory, a
 * second mount on the same cache directory is refused with a message naming the property, and a
 * server killed in the middle of a fill is replaced by its standby (which takes the cache
 * directory over) without a truncated copy ever being served.
 */
@Timeout(400)
class ClientCacheCliTest {
    Path base;
    Path mnt;
    Path mnt2;
    LocalCluster cluster;

    @BeforeEach
    void dirs() throws Exception {
        base = Files.createTempDirectory("purefuse-ccache-cli-");
        mnt = Files.createDirectory(base.resolve("mnt"));
        mnt2 = Files.createDirectory(base.resolve("mnt2"));
        Files.createDirectory(base.resolve("run"));
    }

    @AfterEach
    void cleanup() throws Exception {
        try {
            for (Path m : List.of(mnt, mnt2)) {
                if (MountedFs.isMounted(m)) {
                    raw("unmount", "--timeout", "5", m.toString());
                }
            }
        } finally {
            MountedFs.forceUnmount(mnt);
            MountedFs.forceUnmount(mnt2);
            if (cluster != null) {
                cluster.close();
            }
            LocalCluster.deleteTree(base);
        }
    }

    Shell.Result raw(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dsun.jnu.encoding=UTF-8");
        cmd.add("-Dfile.encoding=UTF-8");
        cmd.add("-Dorg.slf4j.simpleLogger.log.io.purefuse.backend.cache=debug");
        cmd.add("-D" + RuntimeFiles.DIR_PROPERTY + "=" + base.resolve("run"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AlluxioFuseCommand.class.getName());
        cmd.addAll(List.of(args));
        return Shell.run(Duration.ofMinutes(3), null, cmd);
    }

    Shell.Result mount(Path mountPoint, Path cacheDir) {
        List<String> a = new ArrayList<>(List.of("mount"));
        a.addAll(cluster.cliOptions());
        a.addAll(List.of("-D", ClientCacheConfig.ENABLED + "=true", "-D", ClientCacheConfig.DIRS + "=" + cacheDir,
                "-D", ClientCacheConfig.SIZE + "=256MB", mountPoint.toString()));
        return raw(a.toArray(String[]::new));
    }

    /** The mount's log files (for failure messages). */
    String mountLog() throws Exception {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.list(base.resolve("run"))) {
            for (Path p : s.filter(x -> x.getFileName().toString().endsWith(".log")).toList()) {
                b.append(Files.readString(p));
            }
        }
        return b.toString();
    }

    /** The pid the mount's server wrote into the runtime directory. */
    long serverPid() throws Exception {
        try (Stream<Path> s = Files.list(base.resolve("run"))) {
            for (Path p : s.filter(x -> x.getFileName().toString().endsWith(".pid")).toList()) {
                String v = Files.readString(p).trim();
                if (!v.isEmpty()) {
                    return Long.parseLong(v);
                }
            }
        }
        return -1;
    }

    static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void aServerKilledMidFillIsReplacedAndNoTruncatedCopyIsEverServed() throws Exception {
        cluster = LocalCluster.builder().workers(1).etcd(false).start();
        // Larger than what is read before the kill (1/8) plus the client's read-ahead window
        // (up to 64 MiB): the fill must still be in progress when the server dies. With 48 MiB
        // and half of it read, an idle machine had the whole file fetched and kept already.
        long size = 128L << 20;
        String sha = PatternData.write(cluster.ufsRoot().resolve("big.bin"), 9, size, 1 << 20);
        Path cacheDir = base.resolve("cache");
        Shell.Result m = mount(mnt, cacheDir);
        assertThat(m.exit()).as(m.describe()).isZero();
        Path files = cacheDir.resolve("purefuse-client-cache");
        long pid = -1;
        for (int i = 0; i < 200 && pid <= 0; i++) {
            pid = serverPid();
            Thread.sleep(50);
        }
        assertThat(pid).as("server pid").isPositive();
        // Until the standby has opened its client (and with it checked the cache directories)
        // a fill may start late and not be kept: wait for its log line.
        for (int i = 0; i < 300 && mountLog().split("Alluxio worker client:", -1).length < 3; i++) {
            Thread.sleep(100);
        }
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(mnt.resolve("big.bin"))) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
            long done = 0;
            while (done < size / 8) {
                int n = ch.read(buf.clear());
                md.update(buf.array(), 0, n);
                done += n;
            }
            assertThat(names(files)).as("a fill in progress; mount log:%n%s", mountLog()).anyMatch(n -> n.contains(".part-"));
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            long dead = pid;
            for (int i = 0; i < 600 && (pid == dead || pid <= 0); i++) {
                Thread.sleep(100);
                pid = serverPid();
            }
            assertThat(pid).as("the successor's pid").isNotEqualTo(dead).isPositive();
            // The open file goes on (its handle reopened by the successor) and reads right.
            for (int n; (n = ch.read(buf.clear())) >= 0; ) {
                md.update(buf.array(), 0, n);
            }
        }
        assertThat(java.util.HexFormat.of().formatHex(md.digest())).isEqualTo(sha);
        // The successor took the directory over (deleting the dead server's partial fill) at its
        // first use; a fresh read fills and keeps the whole file.
        assertThat(PatternData.sha256(mnt.resolve("big.bin"), 1 << 20)).isEqualTo(sha);
        List<String> kept = names(files);
        for (int i = 0; i < 100 && (kept.size() != 1 || kept.get(0).contains(".part-")); i++) {
            Thread.sleep(50);
            kept = names(files);
        }
        assertThat(kept).hasSize(1).noneMatch(n -> n.contains(".part-"));
        assertThat(Files.size(files.resolve(kept.get(0)))).isEqualTo(size);
        assertThat(PatternData.sha256(files.resolve(kept.get(0)), 1 << 20)).isEqualTo(sha);
        assertThat(PatternData.sha256(mnt.resolve("big.bin"), 1 << 20)).isEqualTo(sha);
        assertThat(raw("unmount", mnt.toString()).exit()).isZero();
    }

    @Test
    void theMountCommandTakesTheCachePropertiesAndKeepsAFileReadWhole() throws Exception {
        cluster = LocalCluster.builder().workers(1).etcd(false).start();
        String sha = PatternData.write(cluster.ufsRoot().resolve("data.bin"), 7, 6L << 20, 1 << 20);
        Path cacheDir = base.resolve("cache");
        Shell.Result m = mount(mnt, cacheDir);
        assertThat(m.exit()).as(m.describe()).isZero();
        Path files = cacheDir.resolve("purefuse-client-cache");
        List<Path> kept = List.of();
        // The standby server checks the cache directories as it starts, right after the mount
        // returned; a read that overlaps that moment is not kept (the fill starts late), so a
        // second whole read is allowed.
        for (int read = 0; read < 2 && kept.size() != 1; read++) {
            assertThat(PatternData.sha256(mnt.resolve("data.bin"), 1 << 20)).isEqualTo(sha);
            for (int i = 0; i < 40 && kept.size() != 1; i++) {
                try (Stream<Path> s = Files.list(files)) {
                    kept = s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
                }
                Thread.sleep(50);
            }
        }
        assertThat(kept).as("kept copies; mount log:%n%s", mountLog()).hasSize(1);
        assertThat(kept.get(0).getFileName().toString()).doesNotContain(".part-");
        assertThat(PatternData.sha256(kept.get(0), 1 << 20)).isEqualTo(sha);
        // Read again (through the copy) and still right.
        assertThat(PatternData.sha256(mnt.resolve("data.bin"), 1 << 20)).isEqualTo(sha);

        Shell.Result second = mount(mnt2, cacheDir);
        assertThat(second.exit()).as(second.describe()).isNotZero();
        assertThat(second.stdout() + second.stderr()).contains("in use by another client")
                .contains(ClientCacheConfig.DIRS);
        assertThat(MountedFs.isMounted(mnt2)).isFalse();
        assertThat(raw("unmount", mnt.toString()).exit()).isZero();
    }
}
