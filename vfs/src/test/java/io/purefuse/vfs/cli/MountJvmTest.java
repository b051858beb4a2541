package io.purefuse.vfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountJvmTest {
    @Test
    void optionsBeforeTheLauncherMarkerStayWithTheLauncher() {
        assertThat(MountJvm.inherited(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", MountJvm.LAUNCHER_OPTIONS_END,
                "-Dfile.encoding=UTF-8", "-Xmx2g"))).containsExactly("-Dfile.encoding=UTF-8", "-Xmx2g");
    }

    @Test
    void withoutTheMarkerEverythingButDebuggerAndAgentsIsInherited() {
        assertThat(MountJvm.inherited(List.of("-Dx=1", "-agentlib:jdwp=transport=dt_socket", "-javaagent:a.jar", "-Xmx1g")))
                .containsExactly("-Dx=1", "-Xmx1g");
    }

    @Test
    void theServerGetsOurDefaultsThenTheInheritedOptionsWhichOverrideThem() {
        List<String> s = MountJvm.server(List.of("-Xmx2g", "-XX:+UseG1GC"));
        assertThat(s).startsWith(MountJvm.SERVER.toArray(String[]::new)).endsWith("-Xmx2g", "-XX:+UseG1GC");
    }

    @Test
    void optionsThisJvmDoesNotKnowAreNotGiven() {
        assertThat(MountJvm.knowsOption("UseSerialGC")).isTrue();
        assertThat(MountJvm.knowsOption("NoSuchOptionAnywhere")).isFalse();
    }
}
