package io.purefuse.harness.posix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The POSIX suite judged against a second plain directory instead of a mount: every case agrees
 * when no difference is declared, and declarations that no longer match fail the run (so the
 * suite can fail, and declared.py cannot go stale).
 */
@Timeout(120)
class PosixSuiteSelfTest {

    @Test
    void aPlainDirectoryAgreesWithTheGroundTruthInEveryCase() throws Exception {
        Path other = plainDir();
        try {
            PosixSuite.Run run = PosixSuite.run("plain-directory", Path.of("/"), other, List.of());
            assertThat(run.ok()).as(run.failures()).isTrue();
            assertThat(run.result().stdout()).doesNotContain("FAIL").contains("| **all** |");
        } finally {
            PosixSuite.deleteTree(other);
        }
    }

    @Test
    void aDeclaredDifferenceThatDoesNotOccurFailsTheRun() throws Exception {
        Path other = plainDir();
        try {
            // "local" declares hard links and special files refused: a plain directory allows them.
            PosixSuite.Run run = PosixSuite.run("local", Path.of("/"), other, List.of("cat_special"));
            assertThat(run.ok()).isFalse();
            assertThat(run.result().stdout())
                    .contains("FAIL      special/hard_link  declared refusal 'no hard links' no longer differs")
                    .contains("FAIL      special/fifo  declared refusal 'no special files' no longer differs")
                    .contains("pass      special/mknod_regular");
        } finally {
            PosixSuite.deleteTree(other);
        }
    }

    private static Path plainDir() throws Exception {
        Path d = Files.createTempDirectory("purefuse-posix-plain-");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }
}
