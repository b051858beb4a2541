package io.purefuse.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MountOptionsTest {
    @Test
    void defaults() {
        MountOptions o = MountOptions.defaults();
        assertThat(o.fusermountOptions()).isEqualTo("fsname=purefuse");
        assertThat(o.fsType()).isEqualTo("fuse");
        assertThat(o.fsname()).isEqualTo("purefuse");
        assertThat(o.mountFlags()).isEqualTo(LibC.MS_NOSUID | LibC.MS_NODEV);
        assertThat(o.mountData(5, 040755, 1000, 100)).isEqualTo("fd=5,rootmode=40000,user_id=1000,group_id=100");
    }

    @Test
    void everything() {
        MountOptions o = MountOptions.builder().allowOther(true).readOnly(true).defaultPermissions(true)
                .autoUnmount(true).fsname("a,b\\c").subtype("memfs").maxRead(4096).nonempty(true)
                .option("noatime,blksize=4096").build();
        assertThat(o.fusermountOptions()).isEqualTo(
                "ro,fsname=a\\,b\\\\c,subtype=memfs,allow_other,default_permissions,max_read=4096,auto_unmount,"
                        + "noatime,blksize=4096");
        assertThat(o.fsType()).isEqualTo("fuse.memfs");
        assertThat(o.mountFlags()).isEqualTo(LibC.MS_NOSUID | LibC.MS_NODEV | LibC.MS_RDONLY | LibC.MS_NOATIME);
        assertThat(o.mountData(7, 040000, 0, 0)).isEqualTo(
                "fd=7,rootmode=40000,user_id=0,group_id=0,default_permissions,allow_other,max_read=4096,blksize=4096");
        assertThat(o.toBuilder().build()).isEqualTo(o);
    }

    @Test
    void rawOptionsMapToSetters() {
        MountOptions o = MountOptions.builder()
                .option("ro,allow_other,default_permissions,auto_unmount,nonempty,fsname=x,subtype=y,max_read=8192")
                .option("suid,dev").build();
        assertThat(o.readOnly()).isTrue();
        assertThat(o.allowOther()).isTrue();
        assertThat(o.defaultPermissions()).isTrue();
        assertThat(o.autoUnmount()).isTrue();
        assertThat(o.nonempty()).isTrue();
        assertThat(o.fsname()).isEqualTo("x");
        assertThat(o.subtype()).contains("y");
        assertThat(o.maxRead()).hasValue(8192);
        assertThat(o.extraOptions()).containsExactly("suid", "dev");
        assertThat(o.mountFlags()).isEqualTo(LibC.MS_RDONLY);
        assertThat(o.mountData(3, 040000, 0, 0)).doesNotContain("suid").doesNotContain("dev");
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> MountOptions.builder().option("user_id=5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MountOptions.builder().option("group_id=5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MountOptions.builder().option("a,,b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MountOptions.builder().subtype("a,b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MountOptions.builder().fsname("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MountOptions.builder().option("max_read=x")).isInstanceOf(IllegalArgumentException.class);
    }
}
