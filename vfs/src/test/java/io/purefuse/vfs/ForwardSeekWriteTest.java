package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A write that seeks ahead of the end of a newly created file (Python's
 * {@code f.seek(4096); f.write(b"x")}) is not held for reordering when random access is on:
 * only parallel O_DIRECT writers reach us out of order. The reorder wait is set to five minutes
 * here, so a held write would hang the writer past the test's timeout.
 */
@Timeout(60)
class ForwardSeekWriteTest {
    static final String SNIPPET = "import sys, time\n"
            + "t = time.monotonic()\n"
            + "f = open(sys.argv[1], 'wb'); f.seek(4096); f.write(b'x'); f.close()\n"
            + "print('%.3f' % (time.monotonic() - t))\n";

    @ParameterizedTest(name = "passthrough {0}")
    @ValueSource(booleans = {false, true})
    void seekThenWriteOnANewFileDoesNotWaitForReordering(boolean passthrough) throws Exception {
        try (MountFixture f = MountFixture.start(o -> o.randomAccess(true).passthrough(passthrough)
                .reorderWait(Duration.ofMinutes(5)))) {
            Sh.Result r = Sh.run(30, List.of("python3", "-c", SNIPPET, f.m("x").toString()));
            assertThat(r.exit()).as(r.toString()).isZero();
            byte[] expected = new byte[4097];
            expected[4096] = 'x';
            assertThat(Files.readAllBytes(f.u("x"))).isEqualTo(expected);
            assertThat(Files.readAllBytes(f.m("x"))).isEqualTo(expected);
            System.out.printf("forward-seek write (passthrough %s): %s s%n", passthrough, r.out().trim());
        }
    }

    @Test
    void withoutRandomAccessItIsStillRefused() throws Exception {
        try (MountFixture f = MountFixture.start(o -> o.reorderWait(Duration.ofMillis(50)))) {
            Sh.Result r = Sh.run(30, List.of("python3", "-c", SNIPPET, f.m("x").toString()));
            assertThat(r.exit()).as(r.toString()).isNotZero();
            assertThat(r.err()).contains("Operation not supported");
        }
    }
}
