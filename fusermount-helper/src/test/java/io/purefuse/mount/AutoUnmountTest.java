package io.purefuse.mount;

import static io.purefuse.mount.MountTestSupport.assertNothingMountedUnder;
import static io.purefuse.mount.MountTestSupport.detachAllUnder;
import static io.purefuse.mount.MountTestSupport.mkdir;
import static io.purefuse.mount.MountTestSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AutoUnmountTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void requireFusermount() {
        assumeTrue(Mounter.findFusermount().isPresent(), "fusermount3 not installed");
        assumeTrue(Files.exists(Mounter.DEV_FUSE), "no /dev/fuse");
    }

    @AfterEach
    void cleanup() {
        detachAllUnder(tmp);
    }

    @Test
    void closeUnmountsAndReapsTheHelper() throws Exception {
        Path mp = mkdir(tmp, "auto");
        FuseMount m = new Mounter().mount(mp, MountOptions.builder().autoUnmount(true).build());
        TestFuseServer server = new TestFuseServer(m.fd());
        long pid = m.helperPid().orElseThrow();
        try {
            assertThat(server.awaitInit(10_000)).isTrue();
            assertThat(ProcessHandle.of(pid)).isPresent();
            assertThat(MountTable.find(mp).orElseThrow().isFuse()).isTrue();
        } finally {
            m.close();
            server.close();
        }
        assertThat(m.helperPid()).isEmpty();
        assertThat(Mounter.describeStatus(m.helperStatusForTest())).isEqualTo("exit 0");
        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertNothingMountedUnder(tmp);
    }

    @Test
    void helperUnmountsWhenSocketAndDeviceCloseAsIfTheJvmDied() throws Exception {
        Path mp = mkdir(tmp, "auto-socket");
        FuseMount m = new Mounter().mount(mp, MountOptions.builder().autoUnmount(true).build());
        try {
            assertThat(Mounter.isMounted(mp)).isTrue();
            m.closeCommSocketForTest();
            m.abandonFdForTest();
            assertThat(waitUntil(10_000, () -> !Mounter.isMounted(mp))).as("auto unmount").isTrue();
        } finally {
            m.close();
        }
        assertThat(Mounter.describeStatus(m.helperStatusForTest())).isEqualTo("exit 0");
        assertNothingMountedUnder(tmp);
    }

    @Test
    void helperLeavesALiveServedMountAloneWhenOnlyTheSocketCloses() throws Exception {
        // fusermount3 opens the mount point when the socket closes and unmounts only if that fails
        // with ENOTCONN (server gone); a live server keeps its mount.
        Path mp = mkdir(tmp, "auto-live");
        FuseMount m = new Mounter().mount(mp, MountOptions.builder().autoUnmount(true).build());
        TestFuseServer server = new TestFuseServer(m.fd());
        try {
            assertThat(server.awaitInit(10_000)).isTrue();
            long pid = m.helperPid().orElseThrow();
            m.closeCommSocketForTest();
            assertThat(waitUntil(10_000, () -> isZombieOrGone(pid))).as("helper exits").isTrue();
            assertThat(server.opcodes).contains(TestFuseServer.FUSE_OPENDIR);
            assertThat(m.isMounted()).isTrue();
        } finally {
            m.close();
            server.close();
        }
        assertThat(Mounter.describeStatus(m.helperStatusForTest())).isEqualTo("exit 0");
        assertNothingMountedUnder(tmp);
    }

    private static boolean isZombieOrGone(long pid) {
        try {
            return Files.readAllLines(Paths.get("/proc/" + pid + "/status")).stream()
                    .anyMatch(l -> l.startsWith("State:") && l.contains("Z"));
        } catch (java.io.IOException e) {
            return true;
        }
    }

    @Test
    void killDashNineOfTheMountingJvmUnmounts() throws Exception {
        killDashNineUnmounts(mkdir(tmp, "child jvm"), Mounter.Strategy.AUTO);
    }

    /** mount(2) cannot honour auto_unmount: a root mount asked for it must go through fusermount3. */
    @Test
    void killDashNineOfARootMountThatAskedForMountSyscallUnmounts() throws Exception {
        assumeTrue(Mounter.isRoot(), "mount(2) needs root");
        killDashNineUnmounts(mkdir(tmp, "child syscall"), Mounter.Strategy.MOUNT_SYSCALL);
    }

    @Test
    void autoUnmountAsRootGoesThroughFusermount() throws Exception {
        assumeTrue(Mounter.isRoot(), "mount(2) needs root");
        Path mp = mkdir(tmp, "syscall-auto");
        FuseMount m = new Mounter(Mounter.Strategy.MOUNT_SYSCALL).mount(mp,
                MountOptions.builder().autoUnmount(true).build());
        try {
            assertThat(m.strategy()).isEqualTo(Mounter.Strategy.FUSERMOUNT3);
            assertThat(m.helperPid()).isPresent();
        } finally {
            m.close();
        }
        assertNothingMountedUnder(tmp);
    }

    private void killDashNineUnmounts(Path mp, Mounter.Strategy strategy) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(List.of(java, "-cp", cp, AutoUnmountChild.class.getName(), mp.toString(),
                strategy.name())).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = r.readLine()) != null && !line.startsWith("mounted")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("child output: %s", seen).isNotNull();
            assertThat(Mounter.isMounted(mp)).isTrue();
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(waitUntil(10_000, () -> !Mounter.isMounted(mp))).as("auto unmount after kill -9").isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertNothingMountedUnder(tmp);
    }
}
