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

/**
 * Process faults of a foreground {@code alluxio-fuse mount}: SIGTERM in the middle of a write,
 * a restart after {@code kill -9}, and what a debug log may contain.
 */
@Timeout(180)
class MountProcessFaultTest {
    Path base;
    Path ufs;
    Path mnt;
    Path runtime;
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        base = Files.createTempDirectory("purefuse-procfault-");
        ufs = Files.createDirectory(base.resolve("ufs"));
        mnt = Files.createDirectory(base.resolve("mnt"));
        runtime = Files.createDirectory(base.resolve("run"));
        Files.writeString(ufs.resolve("hello"), "hello\n");
    }

    @AfterEach
    void tearDown() {
        for (Process p : started) {
            p.destroyForcibly();
        }
        MountFixture.forceUnmount(mnt);
        MountFixture.deleteTree(base);
    }

    private String mountOptions = "max_idle_threads=4";

    private Process mount(String log, String... extraJvm) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + io.purefuse.vfs.cli.RuntimeFiles.DIR_PROPERTY + "=" + runtime));
        cmd.addAll(List.of(extraJvm));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AlluxioFuseCommand.class.getName(),
                "mount", "--foreground", "--ufs", ufs.toString(), "-o", mountOptions, mnt.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(base.resolve(log).toFile()).start();
        started.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(mnt.resolve("hello")) && System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("mount process alive; log:\n%s", Files.readString(base.resolve(log))).isTrue();
            Thread.sleep(100);
        }
        assertThat(Files.readString(mnt.resolve("hello"))).isEqualTo("hello\n");
        return p;
    }

    @Test
    void sigtermWaitsForAWriteInProgressAndExitsZero() throws Exception {
        Process m = mount("term.log");
        // 64 x 256 KiB over ~3 s: SIGTERM arrives in the middle.
        String script = "import os,sys,time\n"
                + "f=open(sys.argv[1],'wb')\n"
                + "try:\n"
                + "  for i in range(64):\n"
                + "    f.write(bytes([i])*262144); f.flush(); time.sleep(0.05)\n"
                + "  f.close(); print('complete')\n"
                + "except OSError as e:\n"
                + "  print('error', e.errno)\n";
        Process w = new ProcessBuilder("python3", "-c", script, mnt.resolve("big").toString())
                .redirectErrorStream(true).start();
        started.add(w);
        Thread.sleep(1000);
        assertThat(w.isAlive()).as("writer still writing when SIGTERM is sent").isTrue();
        m.destroy(); // SIGTERM
        assertThat(w.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String writer = new String(w.getInputStream().readAllBytes()).trim();
        assertThat(m.waitFor(60, TimeUnit.SECONDS)).as("mount process exits").isTrue();
        String log = Files.readString(base.resolve("term.log"));
        assertThat(m.exitValue()).as("exit status after SIGTERM; log:\n%s", log).isZero();
        assertThat(MountTable.find(mnt)).as("unmounted").isEmpty();
        System.out.println("writer said: " + writer + "; UFS size " + Files.size(ufs.resolve("big")));
        if (writer.equals("complete")) {
            byte[] got = Files.readAllBytes(ufs.resolve("big"));
            assertThat(got).hasSize(64 * 262144);
            for (int i = 0; i < 64; i++) {
                assertThat(got[i * 262144]).as("chunk %d", i).isEqualTo((byte) i);
                assertThat(got[i * 262144 + 262143]).as("end of chunk %d", i).isEqualTo((byte) i);
            }
        } else {
            assertThat(writer).as("the writer saw an error").startsWith("error");
        }
    }

    @Test
    void aRestartAfterKillDashNineClearsTheStaleMount() throws Exception {
        Process first = mount("first.log");
        first.destroyForcibly(); // kill -9: no unmount
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(MountTable.find(mnt)).as("a stale mount is left behind").isPresent();
        assertThat(Files.exists(mnt.resolve("hello"))).as("the stale mount answers nothing").isFalse();
        Process second = mount("second.log");
        assertThat(Files.readString(mnt.resolve("hello"))).isEqualTo("hello\n");
        assertThat(MountTable.find(mnt)).isPresent();
        second.destroy();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as(Files.readString(base.resolve("second.log"))).isZero();
        assertThat(MountTable.find(mnt)).isEmpty();
    }

    @Test
    void aDebugLogNeverContainsFileContents() throws Exception {
        String marker = "MARKER-" + Long.toHexString(System.nanoTime()) + "-CONTENT";
        mountOptions = "max_idle_threads=4,debug"; // one log line per request and reply, too
        Process m = mount("debug.log", "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace");
        Files.writeString(mnt.resolve("secret.txt"), marker + "\n" + marker);
        assertThat(Files.readString(mnt.resolve("secret.txt"))).contains(marker);
        Files.writeString(mnt.resolve("other.txt"), marker, java.nio.file.StandardOpenOption.CREATE_NEW);
        assertThat(Files.readString(ufs.resolve("secret.txt"))).contains(marker);
        m.destroy();
        assertThat(m.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(base.resolve("debug.log"));
        long debugLines = log.lines().filter(l -> l.contains("DEBUG") || l.contains("TRACE")).count();
        assertThat(log).as("-o debug logged the WRITEs").containsPattern("WRITE nodeid=");
        System.out.println("debug log: " + log.lines().count() + " lines, " + debugLines + " DEBUG/TRACE");
        assertThat(debugLines).as("the log ran at debug level").isPositive();
        assertThat(log).as("debug log").doesNotContain(marker).doesNotContain("MARKER-");
    }
}
