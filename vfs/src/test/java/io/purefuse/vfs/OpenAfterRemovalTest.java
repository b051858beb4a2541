package io.purefuse.vfs;

import static io.purefuse.vfs.RawFrameKernel.cat;
import static io.purefuse.vfs.RawFrameKernel.cstr;
import static io.purefuse.vfs.RawFrameKernel.le;
import static io.purefuse.vfs.RawFrameKernel.le32;
import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.wire.Errno;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An OPEN that reaches an inode removed after the kernel looked it up (a reader racing an
 * unlink or a rename over the name). ESTALE makes the kernel look the name up again and retry
 * the open once; a second race would reach the application as ESTALE. So: while the name is
 * free the open came after the removal and answers ENOENT, as a local file system would; while
 * another file has the name, ESTALE, so that the kernel's retry finds that file.
 */
@Timeout(60)
class OpenAfterRemovalTest {
    private static final int LOOKUP = 1;
    private static final int UNLINK = 10;
    private static final int RENAME = 12;
    private static final int OPEN = 14;
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;

    @Test
    void openOfARemovedInodeIsEnoentWhileTheNameIsFreeAndEstaleOnceItIsTaken() throws Exception {
        Path base = Files.createTempDirectory("purefuse-openafter-");
        Files.writeString(base.resolve("gone"), "old");
        Files.writeString(base.resolve("replaced"), "old");
        Files.writeString(base.resolve("newer"), "new");
        try (LocalUnderFileSystem ufs = LocalUnderFileSystem.open(base)) {
            AlluxioFuseFilesystem fs = new AlluxioFuseFilesystem(ufs,
                    new VfsOptions().passthrough(false).randomAccess(true));
            try (RawFrameKernel k = new RawFrameKernel(fs, null)) {
                long gone = nodeid(k.call(LOOKUP, 1, cstr("gone")));
                long replaced = nodeid(k.call(LOOKUP, 1, cstr("replaced")));
                assertThat(k.errno(UNLINK, 1, cstr("gone"))).isZero();
                assertThat(k.errno(RENAME, 1, cat(le(1), cstr("newer"), cstr("replaced")))).isZero();

                assertThat(k.errno(OPEN, gone, le32(O_RDONLY, 0))).as("read open, name free").isEqualTo(Errno.ENOENT);
                assertThat(k.errno(OPEN, gone, le32(O_WRONLY, 0))).as("write open, name free").isEqualTo(Errno.ENOENT);
                assertThat(k.errno(OPEN, replaced, le32(O_RDONLY, 0))).as("read open, name taken")
                        .isEqualTo(Errno.ESTALE);
                assertThat(k.errno(OPEN, replaced, le32(O_WRONLY, 0))).as("write open, name taken")
                        .isEqualTo(Errno.ESTALE);

                // The name taken again after the unlink: the retry must find the new file.
                Files.writeString(base.resolve("gone"), "again");
                assertThat(k.errno(OPEN, gone, le32(O_RDONLY, 0))).as("read open, name taken again")
                        .isEqualTo(Errno.ESTALE);
            }
            assertThat(Files.readString(base.resolve("replaced"))).isEqualTo("new");
            assertThat(Files.readString(base.resolve("gone"))).isEqualTo("again");
        } finally {
            MountFixture.deleteTree(base);
        }
    }

    /** The nodeid of a successful ENTRY reply (fuse_entry_out starts with it). */
    private static long nodeid(ByteBuffer reply) {
        assertThat(reply.getInt(4)).as("errno of the LOOKUP").isZero();
        return reply.getLong(16);
    }
}
