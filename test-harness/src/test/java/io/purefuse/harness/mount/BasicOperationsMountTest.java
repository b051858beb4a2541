package io.purefuse.harness.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.purefuse.harness.fixture.Shell;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Everyday tools on a mounted MemFs: one fresh mount per test. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BasicOperationsMountTest extends MountTestSupport {

    @Test
    void lsOfEmptyRootAndOfCreatedEntries() {
        assertThat(shOk("ls -A")).isEmpty();
        shOk("mkdir d && echo hi > f && mkdir d/sub && touch d/x");
        assertThat(shOk("ls")).isEqualTo("d\nf");
        assertThat(shOk("ls -a d")).isEqualTo(".\n..\nsub\nx");
        assertThat(shOk("ls -ld d | cut -c1")).isEqualTo("d");
    }

    @Test
    void statShowsSizeLinksTypeAndMode() {
        shOk("printf 12345 > f && mkdir -m 750 d && mkdir d/a d/b");
        assertThat(shOk("stat -c '%s %h %F %a' f")).isEqualTo("5 1 regular file 644");
        // a directory's link count is 2 + its subdirectories
        assertThat(shOk("stat -c '%h %F %a' d")).isEqualTo("4 directory 750");
        assertThat(shOk("stat -c '%h' .")).isEqualTo("3");
        assertThat(shOk("stat -c %i f")).isNotEqualTo(shOk("stat -c %i d"));
    }

    @Test
    void mkdirEchoCatAppend() {
        shOk("mkdir -p a/b/c && echo hello > a/b/c/f && echo world >> a/b/c/f");
        assertThat(shOk("cat a/b/c/f")).isEqualTo("hello\nworld");
        assertThat(sh("mkdir a").exit()).isNotZero(); // EEXIST
        assertThat(sh("cat nope").stderr()).contains("No such file or directory");
    }

    @Test
    void appendThroughOappendWritesAtTheEnd() throws Exception {
        Path f = root.resolve("log");
        Files.writeString(f, "one\n");
        for (int i = 0; i < 5; i++) {
            Files.writeString(f, "line" + i + "\n", java.nio.file.StandardOpenOption.APPEND);
        }
        assertThat(Files.readAllLines(f)).containsExactly("one", "line0", "line1", "line2", "line3", "line4");
    }

    @Test
    void mvRenamesAndMovesBetweenDirectories() {
        shOk("echo x > a && mkdir d && mv a b && mv b d/c && mkdir e && mv d e/");
        assertThat(shOk("ls -R")).isEqualTo(".:\ne\n\n./e:\nd\n\n./e/d:\nc");
        assertThat(shOk("cat e/d/c")).isEqualTo("x");
        // a directory's link counts follow it
        assertThat(shOk("stat -c %h . e")).isEqualTo("3\n3");
    }

    @Test
    void mvOverAnExistingFileReplacesIt() {
        shOk("echo new > a && echo old > b && ln b b2 && mv -f a b");
        assertThat(shOk("ls")).isEqualTo("b\nb2");
        assertThat(shOk("cat b")).isEqualTo("new");
        assertThat(shOk("cat b2")).isEqualTo("old");
        assertThat(shOk("stat -c %h b2")).isEqualTo("1");
    }

    @Test
    void rename2OverAnExistingFileWithJava() throws Exception {
        // Files.move with REPLACE_EXISTING is rename(2): the kernel sends RENAME (flags 0).
        Files.writeString(root.resolve("src"), "source");
        Files.writeString(root.resolve("dst"), "target");
        Files.move(root.resolve("src"), root.resolve("dst"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.readString(root.resolve("dst"))).isEqualTo("source");
        assertThat(Files.exists(root.resolve("src"))).isFalse();
        // without REPLACE_EXISTING the JDK checks first
        Files.writeString(root.resolve("src"), "again");
        assertThatThrownBy(() -> Files.move(root.resolve("src"), root.resolve("dst")))
                .isInstanceOf(FileAlreadyExistsException.class);
    }

    @Test
    void renameat2NoreplaceAndExchange() {
        assumeTrue(hasPython(), "python3 needed for renameat2");
        shOk("echo A > a && echo B > b && mkdir d && echo C > d/c");
        String code = String.join("\n",
                "AT = -100",
                "def r2(a, b, flags):",
                "    rc = libc.renameat2(AT, a.encode(), AT, b.encode(), flags)",
                "    return 0 if rc == 0 else errno.errorcode[ctypes.get_errno()]",
                "print(r2('a', 'b', 1))",       // NOREPLACE, target exists
                "print(r2('a', 'n', 1))",       // NOREPLACE, free name
                "print(r2('n', 'b', 2))",       // EXCHANGE two files
                "print(r2('b', 'd', 2))",       // EXCHANGE file and directory
                "print(r2('x', 'b', 2))",       // EXCHANGE with a missing source
                "print(r2('n', 'zz', 2))");     // EXCHANGE with a missing target
        Shell.Result r = py(code).check();
        assertThat(r.out()).isEqualTo("EEXIST\n0\n0\n0\nENOENT\nENOENT");
        // after the exchanges: n holds B, b is the directory, d is the file holding A
        assertThat(shOk("cat n; cat d; cat b/c")).isEqualTo("B\nA\nC");
        assertThat(shOk("stat -c %F b d")).isEqualTo("directory\nregular file");
    }

    @Test
    void movingADirectoryIntoItselfIsEinval() {
        shOk("mkdir -p a/b/c");
        // mv refuses by itself; rename(2) reaches the filesystem
        assertThat(sh("mv a a/b/c/").exit()).isNotZero();
        if (hasPython()) {
            String code = "for dst in ('a/b/c/a', 'a/x'):\n"
                    + "    try:\n        os.rename('a', dst); print('renamed')\n"
                    + "    except OSError as e:\n        print(errno.errorcode[e.errno])";
            assertThat(py(code).check().out()).isEqualTo("EINVAL\nEINVAL");
        }
        assertThat(shOk("ls")).isEqualTo("a");
    }

    @Test
    void renamingOverANonEmptyDirectoryIsEnotempty() throws Exception {
        shOk("mkdir -p a b/x");
        assertThatThrownBy(() -> Files.move(root.resolve("a"), root.resolve("b"), StandardCopyOption.REPLACE_EXISTING))
                .isInstanceOf(DirectoryNotEmptyException.class);
        shOk("rmdir b/x");
        Files.move(root.resolve("a"), root.resolve("b"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(shOk("ls")).isEqualTo("b");
    }

    @Test
    void rmAndRmdirIncludingEnotempty() {
        shOk("mkdir -p d/e && touch d/f");
        Shell.Result r = sh("rmdir d");
        assertThat(r.exit()).isNotZero();
        assertThat(r.stderr()).contains("Directory not empty");
        shOk("rm d/f && rmdir d/e && rmdir d");
        assertThat(shOk("ls -A")).isEmpty();
        assertThat(sh("rm d").stderr()).contains("No such file or directory");
        shOk("mkdir x");
        assertThat(sh("rm x").stderr()).contains("Is a directory");
    }

    @Test
    void symlinkAndReadlink() throws Exception {
        shOk("echo data > target && ln -s target link && ln -s /no/such/place dangling && mkdir d && ln -s ../target d/up");
        assertThat(shOk("readlink link")).isEqualTo("target");
        assertThat(shOk("readlink dangling")).isEqualTo("/no/such/place");
        assertThat(shOk("cat link d/up")).isEqualTo("data\ndata");
        assertThat(shOk("stat -c '%F %s' link")).isEqualTo("symbolic link 6");
        assertThat(Files.readSymbolicLink(root.resolve("d/up")).toString()).isEqualTo("../target");
    }

    @Test
    void hardLinksShareDataAndCountLinks() {
        shOk("echo one > a && ln a b && mkdir d && ln a d/c");
        assertThat(shOk("stat -c %h a")).isEqualTo("3");
        assertThat(shOk("stat -c %i a")).isEqualTo(shOk("stat -c %i d/c"));
        shOk("echo two >> b");
        assertThat(shOk("cat d/c")).isEqualTo("one\ntwo");
        shOk("rm a");
        assertThat(shOk("stat -c %h b")).isEqualTo("2");
        assertThat(sh("ln d d2").exit()).isNotZero(); // hard link to a directory
    }

    @Test
    void truncateGrowsWithZerosAndShrinks() throws Exception {
        shOk("printf abcdef > f && truncate -s 3 f");
        assertThat(shOk("cat f")).isEqualTo("abc");
        shOk("truncate -s 10 f");
        byte[] b = Files.readAllBytes(root.resolve("f"));
        assertThat(b).containsExactly('a', 'b', 'c', 0, 0, 0, 0, 0, 0, 0);
        shOk("truncate -s 1T sparse");
        assertThat(shOk("stat -c %s sparse")).isEqualTo(Long.toString(1L << 40));
        assertThat(shOk("stat -c %b sparse")).isEqualTo("0");
        assertThat(shOk("dd if=sparse bs=1 count=4 skip=999999999 status=none | od -An -tx1 | tr -d ' '")).isEqualTo("00000000");
        shOk("truncate -s 0 sparse");
        assertThat(shOk("stat -c %s sparse")).isEqualTo("0");
    }

    @Test
    void chmodChownTouch() {
        // chown clears set-user-ID on regular files (the kernel asks for it), so chmod afterwards
        shOk("touch f && chmod 4751 f && chown 1234:5678 f");
        assertThat(shOk("stat -c '%a' f")).isEqualTo("751");
        shOk("chmod 4751 f && touch -d '2001-02-03 04:05:06.789 UTC' f");
        assertThat(shOk("stat -c '%a %u %g' f")).isEqualTo("4751 1234 5678");
        assertThat(shOk("TZ=UTC stat -c '%y' f")).isEqualTo("2001-02-03 04:05:06.789000000 +0000");
        assertThat(shOk("TZ=UTC stat -c '%x' f")).isEqualTo("2001-02-03 04:05:06.789000000 +0000");
        long ctime = Long.parseLong(shOk("stat -c %Z f"));
        assertThat(ctime).isGreaterThan(1_600_000_000L); // ctime is "now", not the touched date
        shOk("touch -m f");
        assertThat(Long.parseLong(shOk("stat -c %Y f"))).isGreaterThan(1_600_000_000L);
        shOk("chmod g-x,o= f");
        assertThat(shOk("stat -c %a f")).isEqualTo("4740");
    }

    @Test
    void xattrsThroughJava() throws Exception {
        Path f = root.resolve("f");
        Files.writeString(f, "x");
        UserDefinedFileAttributeView v = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
        v.write("color", StandardCharsets.UTF_8.encode("blue"));
        v.write("empty", ByteBuffer.allocate(0));
        v.write("color", StandardCharsets.UTF_8.encode("green")); // replace
        assertThat(v.list()).containsExactlyInAnyOrder("color", "empty");
        ByteBuffer buf = ByteBuffer.allocate(v.size("color"));
        v.read("color", buf);
        assertThat(new String(buf.array(), StandardCharsets.UTF_8)).isEqualTo("green");
        assertThat(v.size("empty")).isZero();
        v.delete("color");
        assertThat(v.list()).containsExactly("empty");
        assertThatThrownBy(() -> v.size("color")).isInstanceOf(java.io.IOException.class);
        if (Shell.has("getfattr")) {
            assertThat(shOk("getfattr --only-values -n user.empty f")).isEmpty();
        }
    }

    @Test
    void xattrFlagsAndErrors() {
        assumeTrue(hasPython(), "python3 needed for xattr flags");
        shOk("touch f");
        String code = String.join("\n",
                "def e(fn):",
                "    try:",
                "        r = fn(); return 'ok' if r is None else r",
                "    except OSError as x:",
                "        return errno.errorcode[x.errno]",
                "print(e(lambda: os.setxattr('f', 'user.a', b'1', os.XATTR_REPLACE)))",
                "print(e(lambda: os.setxattr('f', 'user.a', b'1', os.XATTR_CREATE)))",
                "print(e(lambda: os.setxattr('f', 'user.a', b'2', os.XATTR_CREATE)))",
                "print(e(lambda: os.setxattr('f', 'user.a', b'22', os.XATTR_REPLACE)))",
                "print(e(lambda: os.getxattr('f', 'user.a')))",
                "print(e(lambda: os.getxattr('f', 'user.missing')))",
                "buf = ctypes.create_string_buffer(1)",
                "rc = libc.getxattr(b'f', b'user.a', buf, 1)",
                "print(errno.errorcode[ctypes.get_errno()] if rc < 0 else rc)",
                "print(libc.getxattr(b'f', b'user.a', None, 0))",
                "rc = libc.listxattr(b'f', buf, 1)",
                "print(errno.errorcode[ctypes.get_errno()] if rc < 0 else rc)",
                "print(e(lambda: os.removexattr('f', 'user.missing')))",
                "print(e(lambda: os.setxattr('f', 'system.foo', b'1')))",
                "print(sorted(os.listxattr('f')))");
        assertThat(py(code).check().out()).isEqualTo(String.join("\n",
                "ENODATA", "ok", "EEXIST", "ok", "b'22'", "ENODATA", "ERANGE", "2", "ERANGE", "ENODATA",
                "ENOTSUP", "['user.a']")); // ENOTSUP == EOPNOTSUPP (95) on Linux
    }

    @Test
    void statfsThroughDf() throws Exception {
        String line = shOk("df -B1 --output=size,used,avail,itotal . | tail -1");
        String[] f = line.trim().split("\\s+");
        assertThat(Long.parseLong(f[0])).isEqualTo(1L << 30);
        assertThat(Long.parseLong(f[1])).isZero();
        assertThat(Long.parseLong(f[3])).isEqualTo(1_000_000L);
        shOk("head -c 1048576 /dev/zero > f");
        String used = shOk("df -B1 --output=used . | tail -1").trim();
        assertThat(Long.parseLong(used)).isEqualTo(1L << 20);
        assertThat(shOk("stat -f -c '%l %S' .")).isEqualTo("255 4096");
    }

    @Test
    void fallocateExtendsKeepSizeAndRefusesPunch() {
        shOk("fallocate -l 1M f");
        assertThat(shOk("stat -c '%s %b' f")).isEqualTo("1048576 2048");
        shOk("fallocate -n -o 1M -l 1M f");
        assertThat(shOk("stat -c '%s %b' f")).isEqualTo("1048576 4096");
        Shell.Result punch = sh("fallocate -p -o 0 -l 4096 f");
        assertThat(punch.exit()).isNotZero();
        assertThat(punch.stderr()).containsAnyOf("Operation not supported", "unsupported");
        assertThat(shOk("cmp -n 1048576 f /dev/zero && echo same")).isEqualTo("same");
    }

    @Test
    void mknodFifoWorks() throws Exception {
        shOk("mkfifo p");
        assertThat(shOk("stat -c %F p")).isEqualTo("fifo");
        Shell.Result r = sh("(echo through > p &) ; cat p");
        assertThat(r.check().out()).isEqualTo("through");
    }

    @Test
    void unlinkedOpenFileStaysReadableUntilClosed() throws Exception {
        assertThat(shOk("echo kept > f && exec 3<f && rm f && ls -A && cat <&3")).isEqualTo("kept");
        assertThat(Files.exists(root.resolve("f"))).isFalse();
    }

    @Test
    void forgottenInodesAreFreed() throws Exception {
        int before = fs.inodeCount();
        shOk("for i in $(seq 100); do echo $i > f$i; done");
        assertThat(fs.inodeCount()).isEqualTo(before + 100);
        shOk("rm f*");
        // the kernel forgets the unlinked inodes at once (their dentries are dropped)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fs.inodeCount() > before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(fs.inodeCount()).isEqualTo(before);
        assertThat(fs.openHandleCount()).isZero();
    }

    @Test
    void dotAndDotDotInJavaListing() throws Exception {
        Files.createDirectories(root.resolve("x/y"));
        try (var s = Files.list(root.resolve("x"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("y"));
        }
        assertThatThrownBy(() -> Files.delete(root.resolve("x"))).isInstanceOf(DirectoryNotEmptyException.class);
        assertThatThrownBy(() -> Files.delete(root.resolve("nope"))).isInstanceOf(NoSuchFileException.class);
    }
}
