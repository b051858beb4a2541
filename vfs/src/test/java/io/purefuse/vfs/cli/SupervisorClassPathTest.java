package io.purefuse.vfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SupervisorClassPathTest {
    @Test
    void keepsOnlyTheJarsTheSupervisorLoadsFrom() {
        String cp = String.join(":", "/r/vfs/target/vfs-0.1.0.jar", "/r/vfs/target/lib/fusermount-helper-0.1.0.jar",
                "/r/vfs/target/lib/grpc-core-1.85.1.jar", "/r/vfs/target/lib/jnr-posix-3.2.8.jar",
                "/r/vfs/target/lib/jffi-1.4.3-native.jar", "/r/vfs/target/lib/asm-9.11.1.jar",
                "/r/vfs/target/lib/slf4j-api-2.0.17.jar", "/r/vfs/target/lib/netty-buffer-4.2.20.Final.jar");
        assertThat(MountCommand.supervisorClassPath(cp).split(":")).containsExactly(
                "/r/vfs/target/lib/fusermount-helper-0.1.0.jar", "/r/vfs/target/lib/jnr-posix-3.2.8.jar",
                "/r/vfs/target/lib/jffi-1.4.3-native.jar", "/r/vfs/target/lib/asm-9.11.1.jar",
                "/r/vfs/target/lib/slf4j-api-2.0.17.jar");
    }

    @Test
    void keepsTheWholeClassPathWhenTheHelperIsNotOnIt() {
        // A manifest-only class path (surefire's booter jar) names no jar of ours.
        String cp = "/tmp/surefire/surefirebooter123.jar";
        assertThat(MountCommand.supervisorClassPath(cp)).isEqualTo(cp);
        String dirs = "/r/fusermount-helper/target/classes:/r/vfs/target/classes:/m2/jnr-ffi-2.3.7.jar";
        assertThat(MountCommand.supervisorClassPath(dirs)).isEqualTo("/r/fusermount-helper/target/classes:/m2/jnr-ffi-2.3.7.jar");
    }
}
