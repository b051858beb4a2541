package io.purefuse.harness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.harness.fixture.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Data through a mount of a 3-worker cluster: a 1 GiB file written through the mount reads back
 * (streamed, through the mount and from the under-store) with the same SHA-256, and {@code ls -lR}
 * of 10,000 files through the mount matches {@code ls -lR} of the under-store.
 */
@Timeout(600)
class ClusterDataTest {
    static LocalCluster cluster;
    static ClusterMount mount;

    @BeforeAll
    static void up() throws Exception {
        // tmpfs when there is one: the test measures purefuse and the workers, not the disk.
        Path shm = Path.of("/dev/shm");
        LocalCluster.Builder b = LocalCluster.builder().workers(3).cacheSize("512MB");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            b.baseDir(Files.createTempDirectory(shm, "purefuse-cluster-"));
        }
        cluster = b.start();
        mount = ClusterMount.mount(cluster);
    }

    @AfterAll
    static void down() {
        if (mount != null) {
            mount.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void oneGibibyteWrittenThroughTheMountReadsBackIdentical() throws Exception {
        long size = 1L << 30;
        Path f = mount.path("big.bin");
        long t0 = System.nanoTime();
        String written = PatternData.write(f, 42, size, 1 << 20);
        long t1 = System.nanoTime();
        assertThat(Files.size(f)).isEqualTo(size);
        String readBack = PatternData.sha256(f, 1 << 20);
        long t2 = System.nanoTime();
        assertThat(readBack).isEqualTo(written);
        assertThat(PatternData.sha256(cluster.ufsRoot().resolve("big.bin"), 1 << 20)).isEqualTo(written);
        System.out.printf(Locale.ROOT, "DATA 1 GiB through the mount: write %.0f MiB/s, read %.0f MiB/s, sha256 %s%n",
                1024 / ((t1 - t0) / 1e9), 1024 / ((t2 - t1) / 1e9), written);
    }

    @Test
    void lsOfTenThousandFilesMatchesTheUnderStore() throws Exception {
        Path ufsTree = cluster.ufsRoot().resolve("many");
        int dirs = 100;
        int perDir = 100;
        for (int d = 0; d < dirs; d++) {
            Path dir = Files.createDirectories(ufsTree.resolve(String.format(Locale.ROOT, "d%03d", d)));
            for (int i = 0; i < perDir; i++) {
                Files.write(dir.resolve("f" + i + ".dat"), new byte[(d * perDir + i) % 1500]);
            }
        }
        Shell.Result viaMount = Shell.run(Duration.ofMinutes(5), "ls", "-lR", "--time-style=+%s", mount.path("many").toString());
        Shell.Result direct = Shell.run(Duration.ofMinutes(5), "ls", "-lR", "--time-style=+%s", ufsTree.toString());
        viaMount.check();
        direct.check();
        TreeMap<String, String> m = parse(viaMount.stdout(), mount.path("many").toString());
        TreeMap<String, String> u = parse(direct.stdout(), ufsTree.toString());
        assertThat(u).hasSize(dirs + dirs * perDir);
        assertThat(m.keySet()).isEqualTo(u.keySet());
        List<String> differ = new ArrayList<>();
        for (var e : u.entrySet()) {
            if (!e.getValue().equals(m.get(e.getKey()))) {
                differ.add(e.getKey() + ": ufs " + e.getValue() + " mount " + m.get(e.getKey()));
            }
        }
        assertThat(differ).as("entries whose type, mode, size or mtime differ").isEmpty();
        System.out.printf(Locale.ROOT, "DATA ls -lR of %d entries: mount %d ms, ufs %d ms%n", u.size(),
                viaMount.elapsed().toMillis(), direct.elapsed().toMillis());
    }

    /**
     * {@code ls -lR} output as relative path -> "type+mode size mtime" (link count and owners are
     * left out: the mount reports no hard links, and the test may run as another user; so is the
     * size of a directory).
     */
    static TreeMap<String, String> parse(String ls, String root) {
        TreeMap<String, String> out = new TreeMap<>();
        String dir = null;
        for (String line : ls.split("\n")) {
            if (line.endsWith(":") && line.startsWith("/")) {
                String d = line.substring(0, line.length() - 1);
                dir = d.equals(root) ? "" : d.substring(root.length() + 1) + "/";
                continue;
            }
            if (line.isBlank() || line.startsWith("total ") || dir == null) {
                continue;
            }
            String[] f = line.trim().split("\\s+", 7);
            // perms links owner group size mtime name
            // A directory's size is the store's business (ext4 says 4096, a worker 0): not compared.
            String size = f[0].startsWith("d") ? "-" : f[4];
            out.put(dir + f[6], f[0].substring(0, 10) + " " + size + " " + f[5]);
        }
        return out;
    }
}
