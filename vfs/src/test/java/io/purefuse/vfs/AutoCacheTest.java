package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.wire.Opcode;
import io.purefuse.wire.OpenFlags;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code auto_cache}: an open keeps the kernel's page cache (FOPEN_KEEP_CACHE) only when the
 * file's mtime and size did not change since its last open, judged from the store even while
 * the metadata cache still holds the old status, so a change made in the UFS or through the
 * mount is never hidden behind stale pages.
 */
@Timeout(120)
class AutoCacheTest {
    final Wire wire = new Wire();

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** KEEP_CACHE of each read-only OPEN reply of {@code name}, in order. */
    List<Boolean> keepCache(MountFixture f, String name) {
        long nodeid = f.fs.inodes().find(f.fs.inodes().get(1), name).nodeid();
        return wire.opens.stream().filter(o -> o.opcode() == Opcode.OPEN && o.nodeid() == nodeid)
                .map(o -> (o.openFlags() & OpenFlags.FOPEN_KEEP_CACHE) != 0).toList();
    }

    @Test
    void unchangedFilesKeepTheirPagesAndChangedOnesAreReadAgain() throws Exception {
        byte[] a = random(8192, 1);
        byte[] b = random(8192, 2);
        byte[] c = random(8192, 3);
        try (MountFixture f = MountFixture.start(o -> o.autoCache(true).passthrough(false)
                        .metadataCacheExpiration(java.time.Duration.ofMinutes(5)), m -> { },
                u -> PassthroughTest.write(u.resolve("f"), a), s -> s.recorder(wire));
                // An open file pins the kernel's inode: these VMs drop dentries several times a
                // second, and a FORGET would start the inode's open history afresh.
                java.nio.channels.FileChannel pin = java.nio.channels.FileChannel.open(f.m("f"))) {
            assertThat(Files.readAllBytes(f.m("f"))).isEqualTo(a);
            assertThat(keepCache(f, "f")).containsExactly(false, true);

            // Changed in the UFS, same size, while the metadata cache still holds the old status
            // (its lifetime is 5 minutes here).
            FileTime before = Files.getLastModifiedTime(f.u("f"));
            PassthroughTest.write(f.u("f"), b);
            Files.setLastModifiedTime(f.u("f"), FileTime.fromMillis(before.toMillis() + 5000));
            assertThat(Files.readAllBytes(f.m("f"))).isEqualTo(b);
            assertThat(keepCache(f, "f")).containsExactly(false, true, false);
            assertThat(Files.readAllBytes(f.m("f"))).isEqualTo(b);
            assertThat(keepCache(f, "f")).containsExactly(false, true, false, true);

            // Written through the mount.
            Files.write(f.m("f"), c);
            assertThat(Files.readAllBytes(f.m("f"))).isEqualTo(c);
            assertThat(keepCache(f, "f")).endsWith(false);
        }
    }
}
