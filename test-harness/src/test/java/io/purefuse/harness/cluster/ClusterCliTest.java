package io.purefuse.harness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.membership.WorkerAddress;
import io.purefuse.backend.membership.WorkerIdentity;
import io.purefuse.backend.membership.WorkerInfo;
import io.purefuse.backend.routing.WorkerRing;
import io.purefuse.harness.fixture.MountedFs;
import io.purefuse.harness.fixture.Shell;
import io.purefuse.mount.MountTable;
import io.purefuse.vfs.cli.AlluxioFuseCommand;
import io.purefuse.vfs.cli.RuntimeFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code alluxio-fuse} against a real cluster, run as a child JVM as {@code bin/alluxio-fuse}
 * runs it: {@code mount --etcd/--cluster} and {@code mount --workers} in the background,
 * {@code location}, {@code load} (plain progress lines) and {@code stat}.
 */
@Timeout(600)
class ClusterCliTest {
    static final Pattern LOCATION = Pattern.compile("^(\\S+) worker=(\\S+) address=(\\S+):(\\d+) ufs=(\\S+)$");
    static final Pattern STAT = Pattern.compile(
            "^(\\S+) type=file length=(\\d+) in_alluxio_percentage=(\\d+) worker=(\\S+) address=(\\S+)$");

    Path base;
    Path mnt;
    LocalCluster cluster;

    @BeforeEach
    void dirs() throws Exception {
        base = Files.createTempDirectory("purefuse-cluster-cli-");
        mnt = Files.createDirectory(base.resolve("mnt"));
        Files.createDirectory(base.resolve("run"));
    }

    @AfterEach
    void cleanup() throws Exception {
        try {
            if (MountedFs.isMounted(mnt)) {
                raw("unmount", "--timeout", "5", mnt.toString());
            }
        } finally {
            MountedFs.forceUnmount(mnt);
            if (cluster != null) {
                cluster.close();
            }
            LocalCluster.deleteTree(base);
        }
    }

    /** alluxio-fuse with exactly {@code args}. */
    Shell.Result raw(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dsun.jnu.encoding=UTF-8");
        cmd.add("-Dfile.encoding=UTF-8");
        cmd.add("-D" + RuntimeFiles.DIR_PROPERTY + "=" + base.resolve("run"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AlluxioFuseCommand.class.getName());
        cmd.addAll(List.of(args));
        return Shell.run(Duration.ofMinutes(3), null, cmd);
    }

    List<String> args(String command, List<String> tail) {
        List<String> a = new ArrayList<>();
        a.add(command);
        a.addAll(cluster.cliOptions());
        a.addAll(tail);
        return a;
    }

    /** alluxio-fuse COMMAND with the cluster's options, then {@code tail}. */
    Shell.Result cli(String command, String... tail) {
        return raw(args(command, List.of(tail)).toArray(String[]::new));
    }

    WorkerRing ringFromWorkers() {
        return WorkerRing.of(cluster.workers().stream()
                .map(w -> new WorkerInfo(WorkerIdentity.parse(w.identity()), WorkerAddress.rpc(w.host(), w.port())))
                .toList());
    }

    @Test
    void mountThroughEtcdThenLocationLoadAndStat() throws Exception {
        cluster = LocalCluster.start(3);
        Shell.Result m = cli("mount", mnt.toString());
        assertThat(m.exit()).as(m.describe()).isZero();
        assertThat(m.stdout()).contains("Mounted").contains("etcd");
        assertThat(MountTable.find(mnt)).isPresent();

        // Through the background mount.
        Files.createDirectories(mnt.resolve("data"));
        for (int i = 0; i < 12; i++) {
            Files.write(mnt.resolve("data/part-" + i), PatternData.bytes(i, (1 << 20) + i));
        }
        assertThat(Files.readAllBytes(mnt.resolve("data/part-3"))).isEqualTo(PatternData.bytes(3, (1 << 20) + 3));
        // Written straight into the UFS: nothing cached yet.
        PatternData.write(cluster.ufsRoot().resolve("data/cold.bin"), 5, 24 << 20, 1 << 20);

        // location: the owner per the ring the workers form.
        WorkerRing ring = ringFromWorkers();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            paths.add("/data/part-" + i);
        }
        Shell.Result loc = cli("location", paths.toArray(String[]::new));
        assertThat(loc.exit()).as(loc.describe()).isZero();
        List<String> lines = loc.stdout().lines().toList();
        assertThat(lines).hasSize(12);
        java.util.Set<String> owners = new java.util.HashSet<>();
        for (int i = 0; i < 12; i++) {
            Matcher x = LOCATION.matcher(lines.get(i));
            assertThat(x.matches()).as(lines.get(i)).isTrue();
            String ufs = cluster.ufsRoot() + "/data/part-" + i;
            WorkerInfo owner = ring.owner(ufs);
            assertThat(x.group(1)).isEqualTo("/data/part-" + i);
            assertThat(x.group(2)).isEqualToIgnoringCase(owner.identity().toString());
            assertThat(Integer.parseInt(x.group(4))).isEqualTo(owner.address().rpcPort());
            assertThat(x.group(5)).isEqualTo(ufs);
            owners.add(x.group(2));
        }
        assertThat(owners).as("12 files over 3 workers").hasSizeGreaterThan(1);

        // stat before load: the cold file is not cached.
        Shell.Result cold = cli("stat", "/data/cold.bin");
        assertThat(cold.exit()).as(cold.describe()).isZero();
        Matcher before = STAT.matcher(cold.out());
        assertThat(before.matches()).as(cold.out()).isTrue();
        assertThat(before.group(2)).isEqualTo(Long.toString(24 << 20));
        assertThat(Integer.parseInt(before.group(3))).isLessThan(100);

        // load the tree with plain progress lines (stdout is not a terminal).
        Shell.Result load = cli("load", "/data");
        assertThat(load.exit()).as(load.describe()).isZero();
        assertThat(load.stdout()).contains("loaded /data/cold.bin").contains("Loaded 13 of 13 files");
        assertThat(load.stdout()).doesNotContain("\r");

        // The bar form (what a terminal gets): redrawn in place with \r, ending at 100 %.
        Shell.Result bar = cli("load", "--progress", "bar", "/data/part-0", "/data/part-1");
        assertThat(bar.exit()).as(bar.describe()).isZero();
        assertThat(bar.stdout()).contains("\r[").contains("100%").contains("Loaded 2 of 2 files");

        Shell.Result warm = cli("stat", "/data/cold.bin", "/data/part-0", "/data");
        assertThat(warm.exit()).as(warm.describe()).isZero();
        List<String> wl = warm.stdout().lines().toList();
        Matcher after = STAT.matcher(wl.get(0));
        assertThat(after.matches()).as(wl.get(0)).isTrue();
        assertThat(after.group(3)).isEqualTo("100");
        assertThat(after.group(4)).isEqualToIgnoringCase(ring.owner(cluster.ufsRoot() + "/data/cold.bin").identity().toString());
        assertThat(wl.get(2)).isEqualTo("/data type=directory");

        // A path that does not exist: reported, exit 1, the others still shown.
        Shell.Result missing = cli("stat", "/data/nope", "/data/part-1");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.stderr()).contains("/data/nope");
        assertThat(missing.stdout()).contains("/data/part-1 type=file");

        Shell.Result u = raw("unmount", mnt.toString());
        assertThat(u.exit()).as(u.describe()).isZero();
        assertThat(MountTable.find(mnt)).isEmpty();
    }

    @Test
    void mountAStaticWorkerList() throws Exception {
        cluster = LocalCluster.builder().workers(3).etcd(false).start();
        Files.writeString(cluster.ufsRoot().resolve("hello.txt"), "static cluster\n");
        Shell.Result m = cli("mount", mnt.toString());
        assertThat(m.exit()).as(m.describe()).isZero();
        assertThat(m.stdout()).contains("workers 127.0.0.2:");
        assertThat(Files.readString(mnt.resolve("hello.txt"))).isEqualTo("static cluster\n");
        Files.writeString(mnt.resolve("back.txt"), "written through static workers\n");
        assertThat(Files.readString(cluster.ufsRoot().resolve("back.txt"))).isEqualTo("written through static workers\n");

        // A static worker's identity is the name-based UUID of its host.
        Shell.Result loc = cli("location", "/hello.txt");
        assertThat(loc.exit()).as(loc.describe()).isZero();
        Matcher x = LOCATION.matcher(loc.out());
        assertThat(x.matches()).as(loc.out()).isTrue();
        assertThat(x.group(2)).isEqualTo(WorkerIdentity.fromHostName(x.group(3)).toString());
        WorkerRing ring = WorkerRing.of(cluster.workers().stream()
                .map(w -> new WorkerInfo(WorkerIdentity.fromHostName(w.host()), WorkerAddress.rpc(w.host(), w.port())))
                .toList());
        assertThat(x.group(3) + ":" + x.group(4))
                .isEqualTo(ring.owner(cluster.ufsRoot() + "/hello.txt").address().toString());
        assertThat(raw("unmount", mnt.toString()).exit()).isZero();
    }

    @Test
    void unreachableClusterFailsTheMountWithTheReason() throws Exception {
        cluster = LocalCluster.builder().workers(1).start();
        String etcd = cluster.etcd().endpoint();
        cluster.close();
        Shell.Result m = raw("mount", "--etcd", etcd, "--ufs", "/srv/ufs", "-D",
                ClusterTestProperties.RPC_TIMEOUT + "=5s", "--mount-timeout", "60s", mnt.toString());
        assertThat(m.exit()).as(m.describe()).isEqualTo(1);
        assertThat(MountTable.find(mnt)).isEmpty();
        assertThat(m.stderr() + m.stdout()).contains("etcd");
        cluster = null;
    }
}
