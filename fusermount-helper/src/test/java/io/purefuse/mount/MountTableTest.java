package io.purefuse.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.Test;

class MountTableTest {
    private static final String SAMPLE = String.join("\n",
            "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw",
            "27 22 0:25 / /sys/fs/fuse/connections rw,nosuid,nodev,noexec,relatime shared:12 - fusectl fusectl rw",
            "42 27 0:39 / /tmp/a\\040b rw,nosuid,nodev,relatime shared:20 master:3 - fuse.memfs my\\040fs,x rw,"
                    + "user_id=0,group_id=0",
            "43 42 0:40 / /tmp/a\\040b ro,nosuid,nodev - fuse purefuse rw,user_id=0,group_id=0,allow_other",
            "44 22 0:41 / /tmp/back\\134slash\\011tab rw - fuseblk /dev/sdb rw",
            "garbage line",
            "");

    @Test
    void parsesAndUnescapes() {
        List<MountTable.Entry> all = MountTable.parse(SAMPLE);
        assertThat(all).hasSize(5);
        MountTable.Entry memfs = all.get(2);
        assertThat(memfs.mountId()).isEqualTo(42);
        assertThat(memfs.parentId()).isEqualTo(27);
        assertThat(memfs.device()).isEqualTo("0:39");
        assertThat(memfs.connectionId()).isEqualTo(39);
        assertThat(memfs.mountPoint()).isEqualTo(Paths.get("/tmp/a b"));
        assertThat(memfs.fsType()).isEqualTo("fuse.memfs");
        assertThat(memfs.subtype()).contains("memfs");
        assertThat(memfs.source()).isEqualTo("my fs,x");
        assertThat(memfs.superOptions()).isEqualTo("rw,user_id=0,group_id=0");
        assertThat(memfs.isFuse()).isTrue();
        assertThat(memfs.readOnly()).isFalse();
        assertThat(all.get(1).isFuse()).as("fusectl is not FUSE").isFalse();
        assertThat(all.get(4).mountPoint()).isEqualTo(Paths.get("/tmp/back\\slash\ttab"));
        assertThat(all.get(4).isFuse()).isTrue();
    }

    @Test
    void findReturnsTheTopmostMount() {
        List<MountTable.Entry> all = MountTable.parse(SAMPLE);
        MountTable.Entry top = MountTable.find(all, Paths.get("/tmp/./a b")).orElseThrow();
        assertThat(top.mountId()).isEqualTo(43);
        assertThat(top.readOnly()).isTrue();
        assertThat(top.subtype()).isEmpty();
        assertThat(MountTable.find(all, Paths.get("/tmp"))).isEmpty();
    }

    @Test
    void readsTheRealTable() {
        assertThat(MountTable.read()).anySatisfy(e -> assertThat(e.mountPoint()).isEqualTo(Paths.get("/")));
        assertThat(MountTable.fuseMounts()).allSatisfy(e -> assertThat(e.isFuse()).isTrue());
    }
}
