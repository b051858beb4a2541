package io.purefuse.vfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The two forms of {@code alluxio-fuse load} progress: plain lines for logs, a bar for terminals. */
class LoadProgressTest {
    @Test
    void plainLinesNameEachFileAndTheCounters() {
        StringWriter s = new StringWriter();
        LoadProgress p = new LoadProgress(new PrintWriter(s), false, 2, 3 << 20);
        p.addBytes(1 << 20);
        p.fileDone("/a", 1 << 20, null);
        p.addBytes(2 << 20);
        p.fileDone("/b", 2 << 20, "UNAVAILABLE: no live worker");
        p.finish(1);
        String out = s.toString();
        assertThat(out).doesNotContain("\r");
        assertThat(out.lines().toList()).hasSize(3);
        assertThat(out).contains("loaded /a (1.0 MiB) [1/2 files, 1.0 MiB/3.0 MiB, ")
                .contains("FAILED /b: UNAVAILABLE: no live worker [2/2 files, 3.0 MiB/3.0 MiB, ")
                .contains("Loaded 1 of 2 files, 3.0 MiB in ").contains(", 1 failed");
    }

    @Test
    void theBarIsRedrawnInPlaceAndEndsWithTheSummary() {
        StringWriter s = new StringWriter();
        LoadProgress p = new LoadProgress(new PrintWriter(s), true, 1, 4096);
        p.addBytes(2048);
        p.addBytes(2048);
        p.fileDone("/a", 4096, null);
        p.finish(0);
        String out = s.toString();
        assertThat(out).startsWith("\r[").contains("\r[##############################] 100% [1/1 files, 4.0 KiB/4.0 KiB, ");
        assertThat(out).endsWith("\n").contains("Loaded 1 of 1 files, 4.0 KiB in ");
        assertThat(LoadProgress.human(1023)).isEqualTo("1023 B");
        assertThat(LoadProgress.human(5L << 30)).isEqualTo("5.0 GiB");
    }
}
