package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.wire.Opcode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code read_ahead_kb}: the session writes the mount's bdi readahead window after mounting, and
 * the kernel then sends buffered READs larger than its default 128 KiB; the bytes stay right.
 */
@Timeout(120)
class ReadAheadTest {
    final Wire wire = new Wire();

    static Path bdiKnob(Path mountPoint) throws Exception {
        String dev = io.purefuse.mount.MountTable.find(mountPoint.toRealPath()).orElseThrow().device();
        return Path.of("/sys/class/bdi", dev, "read_ahead_kb");
    }

    static byte[] readBuffered(Path p) throws Exception {
        try (InputStream in = Files.newInputStream(p)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aLargerWindowMeansLargerBufferedReadsOfTheSameBytes() throws Exception {
        byte[] content = new byte[16 << 20];
        new Random(8).nextBytes(content);
        try (MountFixture f = MountFixture.start(o -> o.passthrough(false), m -> { },
                u -> PassthroughTest.write(u.resolve("seq"), content), s -> s.recorder(wire).readAheadKb(1024))) {
            assertThat(Files.readString(bdiKnob(f.mnt)).trim()).isEqualTo("1024");
            assertThat(readBuffered(f.m("seq"))).isEqualTo(content);
            assertThat(wire.count(Opcode.READ)).isPositive();
            assertThat(wire.maxReadSize.get()).as("largest READ").isGreaterThan(128 << 10);
        }
    }

    @Test
    void withoutItTheKernelKeepsItsDefault() throws Exception {
        byte[] content = new byte[4 << 20];
        new Random(9).nextBytes(content);
        try (MountFixture f = MountFixture.start(o -> o.passthrough(false), m -> { },
                u -> PassthroughTest.write(u.resolve("seq"), content), s -> s.recorder(wire))) {
            assertThat(readBuffered(f.m("seq"))).isEqualTo(content);
            assertThat(wire.maxReadSize.get()).as("largest READ").isPositive().isLessThanOrEqualTo(128 << 10);
        }
    }
}
