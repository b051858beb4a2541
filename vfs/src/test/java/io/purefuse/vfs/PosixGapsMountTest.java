package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Through a real mount: trees deeper than PATH_MAX, st_blocks of sparse files, O_RDONLY|O_TRUNC. */
@Timeout(120)
class PosixGapsMountTest {
    /**
     * A tree whose full path in the UFS (and under the mount point) is longer than PATH_MAX: the
     * client walks it with chdir (relative names, as the kernel allows), the server must resolve it
     * in the UFS without ever building the absolute path.
     */
    @Test
    void aTreeDeeperThanPathMaxWorksThroughTheMount() throws Exception {
        try (MountFixture f = MountFixture.start(o -> o.symlinks(true))) {
            String script = String.join("\n",
                    "import os, sys",
                    "os.chdir(sys.argv[1])",
                    "seg = 'd' * 199",
                    "depth = 21",
                    "for i in range(depth):",
                    "    os.mkdir(seg + chr(97 + i))",
                    "    os.chdir(seg + chr(97 + i))",
                    "with open('file', 'wb') as fh:",
                    "    fh.write(b'deep data')",
                    "st = os.stat('file')",
                    "print('size', st.st_size)",
                    "with open('file', 'rb') as fh:",
                    "    print('read', fh.read().decode())",
                    "print('list', sorted(os.listdir('.')))",
                    "os.rename('file', 'renamed')",
                    "print('list', sorted(os.listdir('.')))",
                    "os.symlink('renamed', 'link')",
                    "print('link', os.readlink('link'))",
                    "os.unlink('link')",
                    "os.unlink('renamed')",
                    "print('list', sorted(os.listdir('.')))",
                    "for i in reversed(range(depth)):",
                    "    os.chdir('..')",
                    "    os.rmdir(seg + chr(97 + i))",
                    "print('left', sorted(os.listdir('.')))");
            Sh.Result r = Sh.run("python3", "-c", script, f.mnt.toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            int full = f.ufs.toRealPath().toString().length() + 21 * 201 + "/renamed".length();
            assertThat(full).as("UFS path length").isGreaterThan(4096);
            assertThat(r.out().lines().toList()).containsExactly(
                    "size 9", "read deep data", "list ['file']", "list ['renamed']", "link renamed", "list []",
                    "left []");
            try (var s = Files.list(f.ufs)) {
                assertThat(s.count()).isZero();
            }
        }
    }

    /** open(O_RDONLY|O_TRUNC) empties the file, as Linux does on a local file system. */
    @Test
    void readOnlyOpenWithTruncEmptiesTheFile() throws Exception {
        for (boolean randomAccess : new boolean[] {false, true}) {
            try (MountFixture f = MountFixture.start(o -> o.randomAccess(randomAccess))) {
                Files.writeString(f.m("f"), "hello");
                Files.writeString(f.m("empty"), "");
                String script = String.join("\n",
                        "import os, sys",
                        "for name in ('f', 'empty'):",
                        "    fd = os.open(os.path.join(sys.argv[1], name), os.O_RDONLY | os.O_TRUNC)",
                        "    print(name, os.fstat(fd).st_size, len(os.read(fd, 100)))",
                        "    os.close(fd)");
                Sh.Result r = Sh.run("python3", "-c", script, f.mnt.toString());
                assertThat(r.exit()).as(r.toString()).isZero();
                assertThat(r.out().lines().toList()).as("random access %s", randomAccess)
                        .containsExactly("f 0 0", "empty 0 0");
                assertThat(Files.size(f.u("f"))).isZero();
            }
        }
    }

    /** du through the mount equals du in the UFS for a sparse file (st_blocks from the store). */
    @Test
    void duOfASparseFileMatchesTheUfs() throws Exception {
        try (MountFixture f = MountFixture.start(o -> { }, m -> { }, ufs -> {
            try {
                Sh.Result r = Sh.run("sh", "-c", "truncate -s 64M '" + ufs.resolve("sparse") + "' && printf x | "
                        + "dd of='" + ufs.resolve("sparse") + "' bs=1 seek=1048576 conv=notrunc 2>/dev/null");
                assertThat(r.exit()).as(r.toString()).isZero();
            } catch (RuntimeException e) {
                throw e;
            }
        })) {
            Path inUfs = f.ufs.resolve("sparse");
            Path inMnt = f.mnt.resolve("sparse");
            String ufsDu = Sh.run("du", "-B1", inUfs.toString()).out().split("\\s+")[0];
            String mntDu = Sh.run("du", "-B1", inMnt.toString()).out().split("\\s+")[0];
            assertThat(Long.parseLong(ufsDu)).isLessThan(1L << 20); // really sparse
            assertThat(mntDu).isEqualTo(ufsDu);
            assertThat(Sh.run("stat", "-c", "%s %b", inMnt.toString()).out())
                    .isEqualTo(Sh.run("stat", "-c", "%s %b", inUfs.toString()).out());
        }
    }
}
