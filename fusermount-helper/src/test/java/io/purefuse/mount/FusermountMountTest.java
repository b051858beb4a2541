package io.purefuse.mount;

import static io.purefuse.mount.MountTestSupport.assertNothingMountedUnder;
import static io.purefuse.mount.MountTestSupport.detachAllUnder;
import static io.purefuse.mount.MountTestSupport.mkdir;
import static io.purefuse.mount.MountTestSupport.statWithin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import jnr.ffi.byref.IntByReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FusermountMountTest {
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
    void mountsListsAndUnmountsWithoutServer() throws Exception {
        Path mp = mkdir(tmp, "mnt with space");
        Mounter mounter = new Mounter(Mounter.Strategy.FUSERMOUNT3);
        FuseMount m = mounter.mount(mp, MountOptions.builder().subtype("purefusetest").fsname("my fs,1").build());
        try {
            assertThat(m.fd()).isGreaterThan(2);
            assertThat(m.strategy()).isEqualTo(Mounter.Strategy.FUSERMOUNT3);
            assertThat(m.mountPoint()).isEqualTo(mp);
            assertThat(m.helperPid()).isEmpty();
            MountTable.Entry e = MountTable.find(mp).orElseThrow();
            assertThat(e.fsType()).isEqualTo("fuse.purefusetest");
            assertThat(e.subtype()).contains("purefusetest");
            assertThat(e.source()).isEqualTo("my fs,1");
            assertThat(e.mountId()).isEqualTo(m.mountId());
            assertThat(m.connectionId()).isEqualTo(e.connectionId()).isPositive();
            assertThat(e.mountOptions()).contains("nosuid").contains("nodev");
            assertThat(Mounter.isMounted(mp)).isTrue();
            assertThat(m.isMounted()).isTrue();
            // the device fd is close-on-exec
            assertThat(Native.posix().fcntl(m.fd(), jnr.constants.platform.Fcntl.F_GETFD) & 1).isEqualTo(1);
        } finally {
            m.close();
        }
        assertThat(m.fd()).isEqualTo(-1);
        assertThat(Mounter.isMounted(mp)).isFalse();
        assertNothingMountedUnder(tmp);
        m.close(); // idempotent
        m.unmount();
    }

    @Test
    void servedMountAnswersStatAndDeviceReportsEnodevAfterUnmount() throws Exception {
        Path mp = mkdir(tmp, "served");
        FuseMount m = new Mounter(Mounter.Strategy.FUSERMOUNT3).mount(mp, MountOptions.builder()
                .subtype("purefusetest").defaultPermissions(true).allowOther(true).maxRead(65536).build());
        TestFuseServer server = new TestFuseServer(m.fd());
        try {
            assertThat(server.awaitInit(10_000)).isTrue();
            assertThat(server.offeredMinor).isGreaterThanOrEqualTo(23);
            assertThat(statWithin(mp, 10_000).isDirectory()).isTrue();
            assertThat(server.getattrs.get()).isPositive();
            MountTable.Entry e = MountTable.find(mp).orElseThrow();
            assertThat(e.superOptions()).contains("default_permissions", "allow_other", "max_read=65536");

            // FUSE_DEV_IOC_CLONE through LibC.ioctl: a second fd joins the session
            int clone = Native.libc().open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC, 0);
            assertThat(clone).isGreaterThan(2);
            try {
                int rc = Native.libc().ioctl(clone, LibC.FUSE_DEV_IOC_CLONE, new IntByReference(m.fd()));
                assertThat(rc).as("ioctl CLONE: %s", Native.describe(Native.errno())).isZero();
            } finally {
                Native.libc().close(clone);
            }

            m.unmount();
            assertThat(server.awaitExit(10_000)).isTrue();
            assertThat(server.failure).isNull();
            assertThat(server.exitErrno).isEqualTo(Native.ENODEV);
        } finally {
            m.close();
            server.close();
        }
        assertNothingMountedUnder(tmp);
    }

    @Test
    void readOnlyAndRawOptionsReachTheMount() throws Exception {
        Path mp = mkdir(tmp, "ro");
        FuseMount m = new Mounter(Mounter.Strategy.FUSERMOUNT3).mount(mp,
                MountOptions.builder().readOnly(true).option("noexec,noatime").build());
        try {
            MountTable.Entry e = MountTable.find(mp).orElseThrow();
            assertThat(e.readOnly()).isTrue();
            assertThat(e.mountOptions()).contains("noexec", "noatime");
            assertThat(e.fsType()).isEqualTo("fuse");
            assertThat(e.source()).isEqualTo("purefuse");
        } finally {
            m.close();
        }
        assertNothingMountedUnder(tmp);
    }

    @Test
    void fusermountFailureIncludesItsStderr() throws Exception {
        Path mp = mkdir(tmp, "bogus");
        Mounter mounter = new Mounter(Mounter.Strategy.FUSERMOUNT3);
        assertThatThrownBy(() -> mounter.mount(mp, MountOptions.builder().option("bogus_option").build()))
                .isInstanceOf(MountException.class)
                .hasMessageContaining("fusermount3 failed (exit 1)")
                .hasMessageContaining("unknown option 'bogus_option'");
        assertNothingMountedUnder(tmp);
    }

    @Test
    void helperGetsOnlyItsSocketAndStdio() throws Exception {
        // auto_unmount keeps fusermount3 alive, so its fd table can be inspected
        Path mp = mkdir(tmp, "fds");
        FuseMount m = new Mounter(Mounter.Strategy.FUSERMOUNT3).mount(mp,
                MountOptions.builder().autoUnmount(true).build());
        TestFuseServer server = new TestFuseServer(m.fd());
        try {
            long pid = m.helperPid().orElseThrow();
            // Right after sending it, fusermount3 may still hold its copy of the device fd for a
            // moment; every other fd must be gone (jnr's posix_spawnp would leak ~20 JVM fds).
            Set<Integer> fds = new TreeSet<>();
            for (int i = 0; i < 100; i++) {
                fds.clear();
                try (var s = Files.list(Paths.get("/proc/" + pid + "/fd"))) {
                    s.forEach(p -> fds.add(Integer.parseInt(p.getFileName().toString())));
                }
                for (int fd : fds) {
                    if (fd > 3) {
                        assertThat(Files.readSymbolicLink(Paths.get("/proc/" + pid + "/fd/" + fd)).toString())
                                .as("helper fd %d", fd).isEqualTo("/dev/fuse");
                    }
                }
                if (fds.equals(Set.of(0, 1, 2, 3))) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(fds).containsExactly(0, 1, 2, 3);
            assertThat(Files.readSymbolicLink(Paths.get("/proc/" + pid + "/fd/3")).toString()).startsWith("socket:");
        } finally {
            m.close();
            server.close();
        }
        assertNothingMountedUnder(tmp);
    }

    @Test
    void unmountByPathWithFusermountAndNotMountedMessage() throws Exception {
        Path mp = mkdir(tmp, "bypath");
        Mounter mounter = new Mounter(Mounter.Strategy.FUSERMOUNT3);
        FuseMount m = mounter.mount(mp, MountOptions.defaults());
        try {
            mounter.unmount(mp, false); // fusermount3 -u, no server: works
            assertThat(Mounter.isMounted(mp)).isFalse();
            assertThat(m.isMounted()).isFalse();
            assertThatThrownBy(() -> mounter.unmount(mp, true)).isInstanceOf(MountException.class)
                    .hasMessage("cannot unmount " + mp + ": not mounted");
            // the device reports the unmount
            ByteBuffer buf = ByteBuffer.allocateDirect((1 << 20) + 4096);
            long n = Native.libc().read(m.fd(), buf, buf.capacity());
            assertThat(n).isEqualTo(-1);
            assertThat(Native.errno()).isEqualTo(Native.ENODEV);
        } finally {
            m.close(); // already unmounted: only closes the fd
        }
        assertNothingMountedUnder(tmp);
    }

    @Test
    void refusesToUnmountNonFuse() throws Exception {
        Path mp = mkdir(tmp, "x");
        assertThatThrownBy(() -> new Mounter().unmount(Paths.get("/proc"), false))
                .isInstanceOf(MountException.class).hasMessageContaining("not a FUSE mount (type proc)");
        assertThatThrownBy(() -> new Mounter().unmount(mp, false))
                .isInstanceOf(MountException.class).hasMessageContaining("not mounted");
    }
}
