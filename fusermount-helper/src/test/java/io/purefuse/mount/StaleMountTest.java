package io.purefuse.mount;

import static io.purefuse.mount.MountTestSupport.assertNothingMountedUnder;
import static io.purefuse.mount.MountTestSupport.detachAllUnder;
import static io.purefuse.mount.MountTestSupport.mkdir;
import static io.purefuse.mount.MountTestSupport.statErrno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StaleMountTest {
    @TempDir
    Path tmp;

    @AfterEach
    void cleanup() {
        detachAllUnder(tmp);
    }

    private static Mounter mounter(Mounter.Strategy s) {
        if (s == Mounter.Strategy.MOUNT_SYSCALL) {
            assumeTrue(Mounter.isRoot(), "mount(2) needs root");
        } else {
            assumeTrue(Mounter.findFusermount().isPresent(), "fusermount3 not installed");
        }
        assumeTrue(Files.exists(Mounter.DEV_FUSE), "no /dev/fuse");
        return new Mounter(s);
    }

    @ParameterizedTest
    @EnumSource(value = Mounter.Strategy.class, names = {"FUSERMOUNT3", "MOUNT_SYSCALL"})
    void staleMountIsClearedBeforeMounting(Mounter.Strategy s) throws Exception {
        Path mp = mkdir(tmp, "stale mnt");
        Mounter mounter = mounter(s);
        FuseMount dead = mounter.mount(mp, MountOptions.builder().subtype("purefusestale").build());
        FuseMount fresh = null;
        TestFuseServer server = null;
        try {
            dead.abandonFdForTest(); // server "dies" without unmounting
            assertThat(statErrno(mp, 10_000)).isEqualTo(Native.ENOTCONN);
            assertThat(Mounter.isMounted(mp)).isTrue();

            fresh = mounter.mount(mp, MountOptions.defaults());
            server = new TestFuseServer(fresh.fd()); // lets the liveness probe below answer at once
            assertThat(server.awaitInit(10_000)).isTrue();
            List<MountTable.Entry> here = MountTable.fuseMountsUnder(mp);
            assertThat(here).hasSize(1);
            assertThat(here.get(0).fsType()).isEqualTo("fuse");
            assertThat(here.get(0).mountId()).isEqualTo(fresh.mountId());
            assertThat(fresh.isMounted()).isTrue();
            // The kernel recycles mount ids and device numbers, so the fresh mount typically gets
            // the dead one's: the dead handle must still not claim (or unmount) it.
            assertThat(dead.isMounted()).isFalse();
            dead.close();
            assertThat(fresh.isMounted()).isTrue();
            assertThat(Mounter.isMounted(mp)).isTrue();
        } finally {
            if (fresh != null) {
                fresh.close();
            }
            dead.close(); // its mount is gone: nothing to do
            if (server != null) {
                server.close();
                assertThat(server.exitErrno).isEqualTo(Native.ENODEV);
            }
        }
        assertNothingMountedUnder(tmp);
    }

    @Test
    void abortedConnectionIsStillOursToUnmount() throws Exception {
        Path mp = mkdir(tmp, "aborted");
        FuseMount m = mounter(Mounter.Strategy.AUTO).mount(mp, MountOptions.defaults());
        String connections = "/sys/fs/fuse/connections";
        // The fuse control filesystem is not mounted on every machine (it is not on CI's): as
        // root, mount it for the test and take it away again.
        boolean mountedFusectl = !Files.exists(Paths.get(connections, String.valueOf(m.connectionId())))
                && Mounter.isRoot()
                && Native.libc().mount("fusectl", connections, "fusectl", 0, null) == 0;
        try {
            Path abort = Paths.get(connections, String.valueOf(m.connectionId()), "abort");
            assumeTrue(Files.exists(abort), "fusectl not mounted");
            Files.writeString(abort, "1");
            assertThat(statErrno(mp, 10_000)).isEqualTo(Native.ENOTCONN);
            assertThat(m.isMounted()).isTrue(); // stale, but still ours
        } finally {
            m.close();
            if (mountedFusectl) {
                Native.libc().umount2(connections, LibC.MNT_DETACH);
            }
        }
        assertNothingMountedUnder(tmp);
    }

    @Test
    void liveMountIsRefused() throws Exception {
        Path mp = mkdir(tmp, "live");
        Mounter mounter = mounter(Mounter.Strategy.AUTO);
        FuseMount live = mounter.mount(mp, MountOptions.builder().subtype("purefuselive").build());
        TestFuseServer server = new TestFuseServer(live.fd());
        try {
            assertThat(server.awaitInit(10_000)).isTrue();
            assertThatThrownBy(() -> mounter.mount(mp, MountOptions.defaults()))
                    .isInstanceOf(MountException.class)
                    .hasMessage("cannot mount " + mp + ": a live FUSE file system (fuse.purefuselive from purefuse) "
                            + "is already mounted there; unmount it first (fusermount3 -u " + mp + ")");
            assertThat(MountTable.fuseMountsUnder(mp)).hasSize(1);
        } finally {
            live.close();
            server.close();
        }
        assertNothingMountedUnder(tmp);
    }

    @Test
    void unansweredMountIsRefused() throws Exception {
        Path mp = mkdir(tmp, "unanswered");
        Mounter mounter = mounter(Mounter.Strategy.AUTO);
        FuseMount pending = mounter.mount(mp, MountOptions.defaults()); // nobody answers INIT
        try {
            assertThatThrownBy(() -> mounter.mount(mp, MountOptions.defaults()))
                    .isInstanceOf(MountException.class)
                    .hasMessageContaining("its server does not answer");
        } finally {
            pending.close(); // the unmount releases the probe thread blocked in stat()
        }
        assertNothingMountedUnder(tmp);
    }
}
