package io.purefuse.vfs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.vfs.FuseConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpgradeOptionsTest {
    @Test
    void optionsCarriedByRepliesMayChangeKernelSideOnesMayNot() {
        assertThat(UpgradeOptions.refusals(List.of("attr_timeout=2,entry_timeout=0.5", "kernel_cache", "debug"),
                Map.of(FuseConfig.RANDOM_ACCESS, "true", FuseConfig.UMOUNT_TIMEOUT, "10s"))).isEmpty();
        for (String fixed : List.of("allow_other", "ro", "fsname=x", "max_write=65536", "max_background=4",
                "max_idle_threads=2", "noatime", "auto_unmount", "read_ahead_kb=64")) {
            assertThat(UpgradeOptions.refusals(List.of(fixed), Map.of())).as(fixed).singleElement().asString()
                    .contains("-o " + fixed).contains("unmount and mount again");
        }
        for (String key : List.of(FuseConfig.UFS_ROOT, FuseConfig.MOUNT_ALLUXIO_PATH, FuseConfig.MOUNT_OPTIONS,
                FuseConfig.PASSTHROUGH)) {
            assertThat(UpgradeOptions.refusals(List.of(), Map.of(key, "x"))).as(key).singleElement().asString()
                    .contains(key).contains("fixed");
        }
        assertThat(UpgradeOptions.refusals(List.of("attr_timeout=abc", "no_such_option"), Map.of())).hasSize(2);
    }

    @Test
    void newOptionsGoBeforeTheMountPointAndAfterTheOldOnes() {
        List<String> argv = List.of("java", "-cp", "x", "Main", "mount", "--foreground", "-o", "attr_timeout=1",
                "/mnt/a", "/");
        assertThat(UpgradeOptions.apply(argv, Set.of("/mnt/a"), List.of("attr_timeout=5"), Map.of("k", "v")))
                .containsExactly("java", "-cp", "x", "Main", "mount", "--foreground", "-o", "attr_timeout=1",
                        "-D", "k=v", "-o", "attr_timeout=5", "/mnt/a", "/");
        assertThatThrownBy(() -> UpgradeOptions.apply(argv, Set.of("/mnt/b"), List.of("debug"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/mnt/b");
    }
}
