package io.purefuse.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code -o debug}: one line per request with its reply, errno and duration; nothing when off. */
@Timeout(60)
class DebugLogMountTest {
    @TempDir
    Path tmp;

    @Test
    void everyRequestIsLoggedOnOneLineWithItsReply() throws Exception {
        Path mnt = Files.createDirectory(tmp.resolve("mnt"));
        List<String> lines = new CopyOnWriteArrayList<>();
        try (FuseSession session = FuseSession.mount(mnt, new HelloFs(),
                new SessionOptions().readerThreads(2).debugSink(lines::add))) {
            assertThat(session.negotiated()).isNotNull();
            assertThat(Files.readAllBytes(mnt.resolve("hello"))).isEqualTo(HelloFs.CONTENT);
            assertThat(Files.exists(mnt.resolve("missing"))).isFalse();
        }
        assertThat(lines).anyMatch(l -> l.matches("unique=\\d+ INIT -> OK 7\\.\\d+ max_write=\\d+ .*"));
        assertThat(lines).anyMatch(l -> l.matches(
                "unique=\\d+ LOOKUP nodeid=1 pid=\\d+ \\{\"name\":\"hello\"\\} -> OK nodeid=2 \\d+us"));
        assertThat(lines).anyMatch(l -> l.matches(
                "unique=\\d+ LOOKUP nodeid=1 pid=\\d+ \\{\"name\":\"missing\"\\} -> ENOENT \\d+us"));
        assertThat(lines).anyMatch(l -> l.matches(
                "unique=\\d+ OPEN nodeid=2 pid=\\d+ \\{.*\\} -> OK fh=\\d+ open_flags=0x[0-9a-f]+ \\d+us"));
        assertThat(lines).anyMatch(l -> l.matches(
                "unique=\\d+ READ nodeid=2 pid=\\d+ \\{.*\"size\":\\d+.*\\} -> OK bytes=13 \\d+us"));
        assertThat(lines).allMatch(l -> !l.contains("\n"));
    }

    @Test
    void offByDefault() {
        assertThat(new SessionOptions().debug()).isFalse();
        assertThat(new SessionOptions().debug(true).debugSink()).isSameAs(RequestDebugLog.DEFAULT_SINK);
    }
}
