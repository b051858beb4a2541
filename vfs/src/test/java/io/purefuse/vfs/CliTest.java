package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.mount.MountTable;
import io.purefuse.vfs.cli.AlluxioFuseCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The alluxio-fuse command, run as a child JVM (as bin/alluxio-fuse does). */
@Timeout(180)
class CliTest {
    Path base;
    Path runtime;

    @BeforeEach
    void dirs() throws Exception {
        base = Files.createTempDirectory("purefuse-cli-");
        runtime = Files.createDirectory(base.resolve("run"));
        Files.createDirectories(base.resolve("ufs/sub/dir"));
        Files.writeString(base.resolve("ufs/sub/dir/file.txt"), "through the cli\n");
        Files.writeString(base.resolve("ufs/outside"), "no");
        Files.createDirectory(base.resolve("mnt"));
    }

    @AfterEach
    void cleanup() {
        MountFixture.forceUnmount(base.resolve("mnt"));
        MountFixture.deleteTree(base);
    }

    Sh.Result cli(String... args) {
        return cliWithJvmOptions(List.of(), args);
    }

    Sh.Result cliWithJvmOptions(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dsun.jnu.encoding=UTF-8");
        cmd.add("-Dfile.encoding=UTF-8");
        cmd.add("-D" + io.purefuse.vfs.cli.RuntimeFiles.DIR_PROPERTY + "=" + runtime);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AlluxioFuseCommand.class.getName());
        cmd.addAll(List.of(args));
        return Sh.run(90, cmd);
    }

    @Test
    void helpOnEveryCommand() {
        for (String[] args : new String[][] {{"--help"}, {"mount", "--help"}, {"unmount", "--help"}, {"list", "--help"}}) {
            Sh.Result r = cli(args);
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).contains("Usage: alluxio-fuse");
        }
        assertThat(cli("mount", "--help").out()).contains("--ufs").contains("-o").contains("--foreground");
    }

    @Test
    void badUsageIsOneLineAndNonZero() {
        String mnt = base.resolve("mnt").toString();
        String ufs = base.resolve("ufs").toString();
        Sh.Result[] bad = {
            cli("mount", "--bogus", mnt),
            cli("frobnicate"),
            cli("mount"),
            cli("mount", "--ufs", ufs, "-o", "attr_timeout=abc", mnt),
            cli("mount", "--ufs", ufs, "-o", "no_such_option", mnt),
            cli("mount", "--ufs", ufs, "-D", "alluxio.fuse.symlink.enabled=maybe", mnt),
            cli("mount", "--ufs", ufs, "-D", "alluxio.user.metadata.cache.expiration.time=soon", mnt),
            cli("mount", mnt),
            cli("mount", "--ufs", base.resolve("nope").toString(), mnt),
            cli("unmount", "--timeout", "x", mnt),
        };
        for (Sh.Result r : bad) {
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).startsWith("alluxio-fuse");
        }
        Sh.Result notMounted = cli("unmount", mnt);
        assertThat(notMounted.exit()).as(notMounted.toString()).isEqualTo(1);
        assertThat(notMounted.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void mountInBackgroundListAndUnmount() throws Exception {
        Path mnt = base.resolve("mnt");
        Sh.Result m = cli("mount", "--ufs", base.resolve("ufs").toString(), "-o", "attr_timeout=2,entry_timeout=2",
                "-D", "alluxio.user.fuse.random.access.file.stream.enabled=true", mnt.toString(), "/sub");
        assertThat(m.exit()).as(m.toString()).isZero();
        assertThat(m.out()).contains("Mounted");
        // the command returned: the mount is up and served by a background process
        assertThat(Files.readString(mnt.resolve("dir/file.txt"))).isEqualTo("through the cli\n");
        assertThat(Files.exists(mnt.resolve("outside"))).isFalse();
        Files.writeString(mnt.resolve("dir/file.txt"), "append", java.nio.file.StandardOpenOption.APPEND);
        assertThat(Files.readString(base.resolve("ufs/sub/dir/file.txt"))).isEqualTo("through the cli\nappend");
        MountTable.Entry e = MountTable.find(mnt).orElseThrow();
        assertThat(e.fsType()).isEqualTo("fuse.purefuse");
        assertThat(e.source()).isEqualTo("alluxio-fuse");

        Sh.Result list = cli("list");
        assertThat(list.exit()).isZero();
        String line = list.out().lines().filter(l -> l.startsWith(mnt.toString())).findFirst().orElseThrow();
        long pid = Long.parseLong(line.split("\\s+")[2]);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(Files.readString(runtime.resolve(io.purefuse.vfs.cli.RuntimeFiles.of(mnt).pid().getFileName())).strip())
                .isEqualTo(Long.toString(pid));

        // mounting again on the same point fails cleanly
        Sh.Result again = cli("mount", "--ufs", base.resolve("ufs").toString(), mnt.toString());
        assertThat(again.exit()).as(again.toString()).isEqualTo(1);

        // busy: a file open inside; unmount waits, then detaches lazily at the timeout
        Sh.Result u;
        try (var ch = java.nio.channels.FileChannel.open(mnt.resolve("dir/file.txt"))) {
            long t0 = System.nanoTime();
            u = cli("unmount", "--timeout", "2", mnt.toString());
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(2000);
        }
        assertThat(u.exit()).as(u.toString()).isZero();
        assertThat(MountTable.find(mnt)).isEmpty();
        assertThat(ProcessHandle.of(pid).map(h -> {
            try {
                h.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception ex) {
                return true;
            }
            return h.isAlive();
        }).orElse(false)).as("mount process exited").isFalse();
        assertThat(cli("list").out()).doesNotContain(mnt.toString());
    }

    /**
     * The launcher's own JVM options (before the end marker bin/alluxio-fuse gives) stay with it;
     * the server gets the mount defaults and the launcher's other options, the supervisor its own.
     */
    @Test
    void mountProcessesGetTheirJvmOptionsNotTheLaunchers() throws Exception {
        Path mnt = base.resolve("mnt");
        Sh.Result m = cliWithJvmOptions(List.of("-XX:TieredStopAtLevel=1", "-Dpurefuse.launcher.options.end=true",
                "-Dpurefuse.test.inherited=yes"), "mount", "--ufs", base.resolve("ufs").toString(), mnt.toString());
        assertThat(m.exit()).as(m.toString()).isZero();
        try {
            assertThat(Files.readString(mnt.resolve("sub/dir/file.txt"))).isEqualTo("through the cli\n");
            java.util.regex.Matcher pids = java.util.regex.Pattern.compile("supervisor (\\d+), server (\\d+)")
                    .matcher(m.out());
            assertThat(pids.find()).as(m.out()).isTrue();
            List<String> server = cmdline(Long.parseLong(pids.group(2)));
            assertThat(server).contains("-XX:+UseSerialGC", "-Dpurefuse.test.inherited=yes", "--foreground")
                    .doesNotContain("-XX:TieredStopAtLevel=1");
            assertThat(server.indexOf("-Dpurefuse.test.inherited=yes")).as("user options last: they override")
                    .isGreaterThan(server.indexOf("-XX:+UseSerialGC"));
            List<String> supervisor = cmdline(Long.parseLong(pids.group(1)));
            supervisor = supervisor.subList(0, supervisor.indexOf("--")); // then comes the server's command
            assertThat(supervisor).contains("-Djnr.ffi.asm.enabled=false", "-Xmx8m")
                    .doesNotContain("-Dpurefuse.test.inherited=yes");
        } finally {
            Sh.Result u = cli("unmount", mnt.toString());
            assertThat(u.exit()).as(u.toString()).isZero();
        }
    }

    private static List<String> cmdline(long pid) throws java.io.IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")),
                java.nio.charset.StandardCharsets.UTF_8);
        return List.of(raw.split("\0"));
    }

    /**
     * A pid file left behind may name a pid that now belongs to an unrelated process: unmount
     * must neither wait for it nor SIGTERM it. Only a process whose command line names our main
     * class and this mount point counts as the mount process.
     */
    @Test
    void stalePidFileNamingAnotherProcessIsNeverSignalled() throws Exception {
        Process unrelated = new ProcessBuilder("sleep", "60").start();
        Process lookalike = null;
        try (MountFixture f = MountFixture.start()) {
            io.purefuse.vfs.cli.RuntimeFiles rf = io.purefuse.vfs.cli.RuntimeFiles.of(f.mnt);
            rf = new io.purefuse.vfs.cli.RuntimeFiles(runtime, runtime.resolve(rf.log().getFileName()),
                    runtime.resolve(rf.pid().getFileName()), rf.mountPoint());
            rf.writePid(unrelated.pid());
            assertThat(rf.livePid()).as("an unrelated live process").isEmpty();

            lookalike = new ProcessBuilder("python3", "-c", "import time; time.sleep(60)",
                    AlluxioFuseCommand.class.getName(), "mount", "--foreground", f.mnt.toString()).start();
            rf.writePid(lookalike.pid());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (rf.livePid().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50); // until the child has exec'd
            }
            assertThat(rf.livePid()).as("a process running our command for this mount point")
                    .hasValue(lookalike.pid());

            rf.writePid(unrelated.pid());
            Sh.Result u = cli("unmount", "--wait", "1s", f.mnt.toString());
            assertThat(u.exit()).as(u.toString()).isZero();
            assertThat(u.err()).doesNotContain("SIGTERM");
            assertThat(unrelated.waitFor(2, TimeUnit.SECONDS)).as("the unrelated process was signalled").isFalse();
            assertThat(unrelated.isAlive()).isTrue();
        } finally {
            unrelated.destroyForcibly();
            if (lookalike != null) {
                lookalike.destroyForcibly();
            }
        }
    }

    @Test
    void sigtermUnmountsAndForegroundStaysAttached() throws Exception {
        Path mnt = base.resolve("mnt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + io.purefuse.vfs.cli.RuntimeFiles.DIR_PROPERTY + "=" + runtime,
                "-cp", System.getProperty("java.class.path"), AlluxioFuseCommand.class.getName(),
                "mount", "--foreground", "--ufs", base.resolve("ufs").toString(), mnt.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(base.resolve("fg.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(mnt.resolve("sub")) && System.nanoTime() < deadline) {
                assertThat(p.isAlive()).as(Files.exists(base.resolve("fg.log")) ? Files.readString(base.resolve("fg.log")) : "").isTrue();
                Thread.sleep(100);
            }
            assertThat(Files.readString(mnt.resolve("sub/dir/file.txt"))).isEqualTo("through the cli\n");
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(MountTable.find(mnt)).isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }
}
