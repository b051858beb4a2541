package io.purefuse.mount;

import static io.purefuse.mount.MountTestSupport.assertNothingMountedUnder;
import static io.purefuse.mount.MountTestSupport.detachAllUnder;
import static io.purefuse.mount.MountTestSupport.mkdir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MountErrorsTest {
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
        return new Mounter(s);
    }

    @ParameterizedTest
    @EnumSource(value = Mounter.Strategy.class, names = {"FUSERMOUNT3", "MOUNT_SYSCALL"})
    void missingMountPoint(Mounter.Strategy s) throws Exception {
        Path mp = tmp.toRealPath().resolve("missing");
        assertThatThrownBy(() -> mounter(s).mount(mp, MountOptions.defaults()))
                .isInstanceOf(MountException.class).hasMessage("mount point " + mp + " does not exist");
        Path deeper = tmp.toRealPath().resolve("no/such/dir");
        assertThatThrownBy(() -> mounter(s).mount(deeper, MountOptions.defaults()))
                .isInstanceOf(MountException.class).hasMessage("mount point " + deeper + " does not exist");
        assertNothingMountedUnder(tmp);
    }

    @ParameterizedTest
    @EnumSource(value = Mounter.Strategy.class, names = {"FUSERMOUNT3", "MOUNT_SYSCALL"})
    void fileAsMountPoint(Mounter.Strategy s) throws Exception {
        Path file = Files.writeString(tmp.toRealPath().resolve("file"), "x");
        assertThatThrownBy(() -> mounter(s).mount(file, MountOptions.defaults()))
                .isInstanceOf(MountException.class).hasMessage("mount point " + file + " is not a directory");
        assertNothingMountedUnder(tmp);
    }

    @ParameterizedTest
    @EnumSource(value = Mounter.Strategy.class, names = {"FUSERMOUNT3", "MOUNT_SYSCALL"})
    void nonEmptyDirectoryUnlessNonempty(Mounter.Strategy s) throws Exception {
        Path mp = mkdir(tmp, "full");
        Files.writeString(mp.resolve("content"), "x");
        assertThatThrownBy(() -> mounter(s).mount(mp, MountOptions.defaults()))
                .isInstanceOf(MountException.class)
                .hasMessage("mount point " + mp + " is not empty (set the nonempty option to mount over its contents)");
        assertNothingMountedUnder(tmp);

        FuseMount m = mounter(s).mount(mp, MountOptions.builder().nonempty(true).build());
        try {
            assertThat(Mounter.isMounted(mp)).isTrue();
        } finally {
            m.close();
        }
        assertNothingMountedUnder(tmp);
        assertThat(Files.readString(mp.resolve("content"))).isEqualTo("x");
    }

    @Test
    void symlinkedMountPointIsResolved() throws Exception {
        assumeTrue(Mounter.findFusermount().isPresent(), "fusermount3 not installed");
        Path real = mkdir(tmp, "real");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        FuseMount m = new Mounter().mount(link, MountOptions.defaults());
        try {
            assertThat(m.mountPoint()).isEqualTo(real);
            assertThat(Mounter.isMounted(real)).isTrue();
        } finally {
            m.close();
        }
        assertNothingMountedUnder(tmp);
    }

    @Test
    void reservedOptionsAreRejected() {
        assertThatThrownBy(() -> MountOptions.builder().option("rootmode=40000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("computed");
        assertThatThrownBy(() -> MountOptions.builder().option("fd=3"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
