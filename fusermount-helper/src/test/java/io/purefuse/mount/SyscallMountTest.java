package io.purefuse.mount;

import static io.purefuse.mount.MountTestSupport.assertNothingMountedUnder;
import static io.purefuse.mount.MountTestSupport.detachAllUnder;
import static io.purefuse.mount.MountTestSupport.mkdir;
import static io.purefuse.mount.MountTestSupport.statWithin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The direct strategy: open /dev/fuse + mount(2), umount2 (root only). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyscallMountTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void requireRoot() {
        assumeTrue(Mounter.isRoot(), "mount(2) needs root");
        assumeTrue(Files.exists(Mounter.DEV_FUSE), "no /dev/fuse");
    }

    @AfterEach
    void cleanup() {
        detachAllUnder(tmp);
    }

    @Test
    void mountsServesAndUnmounts() throws Exception {
        Path mp = mkdir(tmp, "direct mnt");
        Mounter mounter = new Mounter(Mounter.Strategy.MOUNT_SYSCALL);
        FuseMount m = mounter.mount(mp, MountOptions.builder().subtype("purefusedirect").fsname("direct src")
                .readOnly(true).defaultPermissions(true).allowOther(true).maxRead(131072).build());
        TestFuseServer server = new TestFuseServer(m.fd());
        try {
            assertThat(m.strategy()).isEqualTo(Mounter.Strategy.MOUNT_SYSCALL);
            MountTable.Entry e = MountTable.find(mp).orElseThrow();
            assertThat(e.fsType()).isEqualTo("fuse.purefusedirect");
            assertThat(e.source()).isEqualTo("direct src");
            assertThat(e.readOnly()).isTrue();
            assertThat(e.mountOptions()).contains("nosuid", "nodev");
            assertThat(e.superOptions()).contains("user_id=0", "group_id=0", "default_permissions",
                    "allow_other", "max_read=131072");
            assertThat(server.awaitInit(10_000)).isTrue();
            assertThat(statWithin(mp, 10_000).isDirectory()).isTrue();
            m.close();
            assertThat(server.awaitExit(10_000)).isTrue();
            assertThat(server.exitErrno).isEqualTo(Native.ENODEV);
            assertThat(server.failure).isNull();
        } finally {
            m.close();
            server.close();
        }
        assertNothingMountedUnder(tmp);
    }

    @Test
    void unmountsWithoutServerAndByPath() throws Exception {
        Path mp = mkdir(tmp, "direct2");
        Mounter mounter = new Mounter(Mounter.Strategy.MOUNT_SYSCALL);
        FuseMount m = mounter.mount(mp, MountOptions.defaults());
        try {
            assertThat(MountTable.find(mp).orElseThrow().fsType()).isEqualTo("fuse");
            mounter.unmount(mp, false); // umount2 without MNT_DETACH, INIT never answered
            assertThat(Mounter.isMounted(mp)).isFalse();
        } finally {
            m.close();
        }
        assertNothingMountedUnder(tmp);
    }
}
