package io.purefuse.vfs;

import static io.purefuse.vfs.RawFrameKernel.cat;
import static io.purefuse.vfs.RawFrameKernel.cstr;
import static io.purefuse.vfs.RawFrameKernel.le;
import static io.purefuse.vfs.RawFrameKernel.le32;
import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.wire.Errno;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sub-path mount cannot be escaped by any name: frames the real kernel would never send
 * ({@code ..}, {@code .}, {@code /}, an embedded NUL, names over 255 bytes) go straight to the
 * VFS over a socketpair and must answer EINVAL or ENAMETOOLONG for every name-taking opcode,
 * touching nothing outside the sub-path. Symlink targets are stored verbatim and never followed
 * by the server.
 */
@Timeout(120)
class NameEscapeTest {
    static final int LOOKUP = 1, GETATTR = 3, READLINK = 5, SYMLINK = 6, MKNOD = 8, MKDIR = 9, UNLINK = 10,
            RMDIR = 11, RENAME = 12, LINK = 13, OPEN = 14, READ = 15, CREATE = 35, RENAME2 = 45;
    static final String SECRET = "outside-the-sub-path";

    Path base;
    LocalUnderFileSystem ufs;
    AlluxioFuseFilesystem fs;
    RawFrameKernel k;

    @BeforeEach
    void start() throws Exception {
        base = Files.createTempDirectory("purefuse-escape-");
        Files.createDirectories(base.resolve("sub/inner"));
        Files.writeString(base.resolve("sub/inner/file"), "inside");
        Files.writeString(base.resolve("secret"), SECRET);
        ufs = LocalUnderFileSystem.open(base);
        fs = new AlluxioFuseFilesystem(ufs, new VfsOptions().rootPath(AlluxioPath.of("/sub")).symlinks(true)
                .passthrough(false));
        k = new RawFrameKernel(fs, null);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            k.close();
        } finally {
            fs.close();
            ufs.close();
            MountFixture.deleteTree(base);
        }
    }

    static List<String> badNames() {
        return List.of("..", ".", "../secret", "/secret", "inner/file", "inner/../../secret", "a\0b", "x".repeat(256),
                "é".repeat(128));
    }

    static int expected(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length > 255 ? Errno.ENAMETOOLONG : Errno.EINVAL;
    }

    /** A frame name: the raw bytes and one terminating NUL (an embedded NUL stays in). */
    static byte[] raw(String name) {
        return cstr(name);
    }

    @Test
    void everyNameTakingOpcodeRefusesEscapingNames() throws Exception {
        long inner = lookup(1, "inner");
        long file = lookup(inner, "file");
        for (String bad : badNames()) {
            String shown = bad.length() > 20 ? bad.length() + " chars" : bad.replace("\0", "\\0");
            int want = expected(bad);
            if (bad.contains("\0")) {
                // A frame name ends at its first NUL, so no name can contain one: "a\0b" is the
                // name "a" (absent here: an error or a negative entry, nodeid 0) and never "a\0b".
                ByteBuffer r = k.call(LOOKUP, 1, raw(bad));
                assertThat(-r.getInt(4) != 0 || r.getLong(16) == 0).as("LOOKUP %s: %d", shown, -r.getInt(4)).isTrue();
                continue;
            }
            assertThat(k.errno(LOOKUP, 1, raw(bad))).as("LOOKUP %s", shown).isEqualTo(want);
            assertThat(k.errno(LOOKUP, inner, raw(bad))).as("LOOKUP in inner %s", shown).isEqualTo(want);
            assertThat(k.errno(MKDIR, 1, cat(le32(0755, 0), raw(bad)))).as("MKDIR %s", shown).isEqualTo(want);
            assertThat(k.errno(MKNOD, 1, cat(le32(0100644, 0, 0, 0), raw(bad)))).as("MKNOD %s", shown).isEqualTo(want);
            assertThat(k.errno(CREATE, 1, cat(le32(0101, 0644, 0, 0), raw(bad)))).as("CREATE %s", shown).isEqualTo(want);
            assertThat(k.errno(SYMLINK, 1, cat(raw(bad), cstr("target")))).as("SYMLINK %s", shown).isEqualTo(want);
            assertThat(k.errno(UNLINK, 1, raw(bad))).as("UNLINK %s", shown).isEqualTo(want);
            assertThat(k.errno(RMDIR, 1, raw(bad))).as("RMDIR %s", shown).isEqualTo(want);
            assertThat(k.errno(LINK, 1, cat(le(file), raw(bad)))).as("LINK %s", shown).isIn(want, Errno.EPERM,
                    Errno.EOPNOTSUPP, Errno.ENOSYS);
            assertThat(k.errno(RENAME, inner, cat(le(1), cstr("file"), raw(bad)))).as("RENAME to %s", shown)
                    .isEqualTo(want);
            assertThat(k.errno(RENAME, 1, cat(le(inner), raw(bad), cstr("stolen")))).as("RENAME from %s", shown)
                    .isEqualTo(want);
            assertThat(k.errno(RENAME2, inner, cat(le(1), le32(0, 0), cstr("file"), raw(bad))))
                    .as("RENAME2 to %s", shown).isEqualTo(want);
        }
        // Nothing outside the sub-path moved, appeared or changed; the inside is intact.
        try (Stream<Path> s = Files.list(base)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("secret", "sub");
        }
        assertThat(Files.readString(base.resolve("secret"))).isEqualTo(SECRET);
        assertThat(Files.readString(base.resolve("sub/inner/file"))).isEqualTo("inside");
        try (Stream<Path> s = Files.list(base.resolve("sub"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("inner");
        }
    }

    @Test
    void symlinkTargetsAreStoredVerbatimAndNeverFollowedByTheServer() throws Exception {
        String target = "../../secret";
        ByteBuffer entry = k.call(SYMLINK, 1, cat(cstr("ln"), cstr(target)));
        assertThat(-entry.getInt(4)).isZero();
        long ln = entry.getLong(16);
        assertThat(Files.readSymbolicLink(base.resolve("sub/ln")).toString()).as("stored in the UFS")
                .isEqualTo(target);
        ByteBuffer link = k.call(READLINK, ln, new byte[0]);
        byte[] got = new byte[link.limit() - 16];
        link.get(16, got);
        assertThat(new String(got, StandardCharsets.UTF_8)).as("READLINK").isEqualTo(target);
        // GETATTR describes the link itself (lstat), not the file it points to.
        ByteBuffer attr = k.call(GETATTR, ln, cat(le32(0, 0), le(0)));
        int mode = attr.getInt(16 + 16 + 8 * 6 + 4 * 3); // fuse_attr_out.attr.mode
        assertThat(mode & 0170000).as("S_IFLNK").isEqualTo(0120000);
        // Opening the link's nodeid never opens the target: no byte of the secret comes back.
        ByteBuffer open = k.call(OPEN, ln, le32(0, 0));
        int err = -open.getInt(4);
        if (err == 0) {
            long fh = open.getLong(16);
            ByteBuffer data = k.call(READ, ln, cat(le(fh, 0), le32(4096, 0, 0, 0, 0, 0)));
            byte[] b = new byte[Math.max(0, data.limit() - 16)];
            data.get(16, b);
            assertThat(new String(b, StandardCharsets.UTF_8)).doesNotContain(SECRET);
        } else {
            assertThat(err).as("OPEN of a symlink").isIn(Errno.ELOOP, Errno.EINVAL, Errno.EIO, Errno.ENXIO,
                    Errno.EOPNOTSUPP);
        }
        // An absolute target is stored as given too.
        assertThat(-k.call(SYMLINK, 1, cat(cstr("abs"), cstr("/etc/passwd"))).getInt(4)).isZero();
        assertThat(Files.readSymbolicLink(base.resolve("sub/abs")).toString()).isEqualTo("/etc/passwd");
    }

    private long lookup(long parent, String name) {
        ByteBuffer r = k.call(LOOKUP, parent, cstr(name));
        assertThat(-r.getInt(4)).as("LOOKUP %s", name).isZero();
        return r.getLong(16);
    }
}
