package io.purefuse.harness.mount;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.harness.fixture.MountedFs;
import io.purefuse.harness.fixture.Shell;
import io.purefuse.harness.memfs.MemFs;
import io.purefuse.harness.memfs.MemFsMain;
import io.purefuse.session.SessionOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How sessions end: unmounted from outside, closed while busy, server killed. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class UnmountMountTest {

    @Test
    void fusermountFromOutsideEndsTheSession() throws Exception {
        try (MountedFs m = MountedFs.mount(new MemFs())) {
            Files.writeString(m.path("f"), "x");
            Shell.run(Duration.ofSeconds(15), "fusermount3", "-u", m.root().toString()).check();
            long t0 = System.nanoTime();
            assertThat(m.session().awaitTermination(10, TimeUnit.SECONDS)).as("session ended").isTrue();
            System.out.printf("session ended %d ms after fusermount3 -u%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(m.isMounted()).isFalse();
        }
    }

    @Test
    void closeWhileAFileIsHeldOpenStillEndsTheSession() throws Exception {
        MemFs fs = new MemFs();
        SessionOptions opts = new SessionOptions().unmountTimeout(Duration.ofSeconds(3));
        Process holder = null;
        MountedFs m = MountedFs.mount(fs, opts);
        Path mp = m.root();
        try {
            Files.writeString(m.path("held"), "busy\n");
            holder = new ProcessBuilder("bash", "-c", "exec 3<\"$1\"; echo open; exec sleep 60", "bash",
                    m.path("held").toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String line = new String(holder.getInputStream().readNBytes(5));
            assertThat(line).isEqualTo("open\n");
            assertThat(fs.openHandleCount()).isGreaterThanOrEqualTo(1);
            long t0 = System.nanoTime();
            m.close();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("close() with a busy mount took %d ms%n", ms);
            assertThat(m.session().isTerminated()).as("session terminated").isTrue();
            assertThat(ms).isLessThan(3 * 3000 + 2000);
            assertThat(MountedFs.isMounted(mp)).isFalse();
        } finally {
            if (holder != null) {
                Shell.kill(holder);
            }
            m.close();
            MountedFs.forceUnmount(mp);
        }
    }

    private static List<String> childJvm(Path mountPoint, String... options) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path"); // surefire sets it to the real test classpath
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-Dsun.jnu.encoding=UTF-8",
                "-Dfile.encoding=UTF-8", "-cp", cp, MemFsMain.class.getName(), mountPoint.toString()));
        cmd.addAll(List.of(options));
        return cmd;
    }

    @Test
    void killDashNineOfTheServerWithAutoUnmount() throws Exception {
        Path mp = Files.createTempDirectory("purefuse-kill9-").toRealPath();
        Path log = Files.createTempFile("memfs-child", ".log");
        Process child = new ProcessBuilder(childJvm(mp, "-o", "auto_unmount"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(MountedFs.awaitMounted(mp, Duration.ofSeconds(30)))
                    .as("child mounted; its log:%n%s", Files.readString(log)).isTrue();
            Shell.run(Duration.ofSeconds(10), "bash", "-c", "echo alive > \"$1\"/f", "bash", mp.toString()).check();
            assertThat(Files.readString(mp.resolve("f"))).isEqualTo("alive\n");
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            boolean gone = MountedFs.awaitUnmounted(mp, Duration.ofSeconds(5));
            System.out.printf("mount gone %d ms after kill -9%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(gone).as("auto_unmount removed the mount within 5 s").isTrue();
        } finally {
            Shell.kill(child);
            MountedFs.forceUnmount(mp);
            Files.deleteIfExists(mp);
            Files.deleteIfExists(log);
        }
    }

    @Test
    void sigtermOfTheServerUnmounts() throws Exception {
        Path mp = Files.createTempDirectory("purefuse-term-").toRealPath();
        Path log = Files.createTempFile("memfs-child", ".log");
        Process child = new ProcessBuilder(childJvm(mp)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(MountedFs.awaitMounted(mp, Duration.ofSeconds(30)))
                    .as("child mounted; its log:%n%s", Files.readString(log)).isTrue();
            Shell.run(Duration.ofSeconds(10), "ls", mp.toString()).check();
            child.destroy(); // SIGTERM: the shutdown hook unmounts
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).as("child exited; log:%n%s", Files.readString(log)).isTrue();
            assertThat(MountedFs.isMounted(mp)).isFalse();
        } finally {
            Shell.kill(child);
            MountedFs.forceUnmount(mp);
            Files.deleteIfExists(mp);
            Files.deleteIfExists(log);
        }
    }
}
