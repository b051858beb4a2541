package io.purefuse.vfs;

import static io.purefuse.vfs.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.wire.Errno;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Namespace operations and their errnos through a real mount (default options). */
@Timeout(120)
class MetadataTest {
    MountFixture f;

    @BeforeEach
    void mount() throws Exception {
        f = MountFixture.start();
    }

    @AfterEach
    void unmount() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void renameFilesAndDirectoriesWithSubtrees() throws Exception {
        Files.createDirectories(f.m("d1/sub"));
        Files.writeString(f.m("d1/sub/file"), "data");
        Files.writeString(f.m("f1"), "one");
        // look things up so the inode table knows the subtree, then move it
        assertThat(Files.readString(f.m("d1/sub/file"))).isEqualTo("data");
        Files.move(f.m("d1"), f.m("d2"));
        assertThat(Files.exists(f.m("d1"))).isFalse();
        assertThat(Files.readString(f.m("d2/sub/file"))).isEqualTo("data");
        assertThat(Files.readString(f.u("d2/sub/file"))).isEqualTo("data");
        Files.writeString(f.m("d2/sub/new"), "after rename");
        assertThat(Files.readString(f.u("d2/sub/new"))).isEqualTo("after rename");
        // file rename, replacing an existing file
        Files.writeString(f.m("f2"), "two");
        Files.move(f.m("f1"), f.m("f2"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.readString(f.m("f2"))).isEqualTo("one");
        assertThat(Files.exists(f.u("f1"))).isFalse();
        // into another directory (mv uses RENAME2)
        Sh.Result mv = Sh.run("mv", f.m("f2").toString(), f.m("d2/sub/").toString());
        assertThat(mv.ok()).as(mv.toString()).isTrue();
        assertThat(Files.readString(f.u("d2/sub/f2"))).isEqualTo("one");
        // directory over a non-empty directory: ENOTEMPTY; into itself: EINVAL
        Files.createDirectories(f.m("x/y"));
        assertErrno("ENOTEMPTY", () -> Files.move(f.m("d2"), f.m("x"), java.nio.file.StandardCopyOption.REPLACE_EXISTING));
        assertThat(Renameat2.rename(f.m("d2").toString(), f.m("d2/sub/inside").toString(), 0)).isEqualTo(Errno.EINVAL);
    }

    @Test
    void renameNoReplaceAndExchange() throws Exception {
        Files.writeString(f.m("a"), "A");
        Files.writeString(f.m("b"), "B");
        assertThat(Renameat2.rename(f.m("a").toString(), f.m("b").toString(), Renameat2.RENAME_NOREPLACE))
                .isEqualTo(Errno.EEXIST);
        assertThat(Files.readString(f.u("b"))).isEqualTo("B");
        assertThat(Renameat2.rename(f.m("a").toString(), f.m("c").toString(), Renameat2.RENAME_NOREPLACE)).isZero();
        assertThat(Files.readString(f.u("c"))).isEqualTo("A");
        int rc = Renameat2.rename(f.m("b").toString(), f.m("c").toString(), Renameat2.RENAME_EXCHANGE);
        if (f.backend.capabilities().contains(io.purefuse.backend.Capability.RENAME_EXCHANGE)) {
            assertThat(rc).isZero();
            assertThat(Files.readString(f.m("b"))).isEqualTo("A");
            assertThat(Files.readString(f.m("c"))).isEqualTo("B");
            assertThat(Files.readString(f.u("b"))).isEqualTo("A");
        } else {
            assertThat(rc).isEqualTo(Errno.EINVAL);
        }
        assertThat(Renameat2.rename(f.m("b").toString(), f.m("nothere").toString(), Renameat2.RENAME_EXCHANGE))
                .isEqualTo(Errno.ENOENT);
    }

    @Test
    void chmodChownTouchAndStat() throws Exception {
        Files.writeString(f.m("file"), "12345");
        Path p = f.m("file");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x---"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.u("file")))).isEqualTo("rwx--x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rwx--x---");
        Sh.Result chown = Sh.run("chown", "65534:65534", p.toString());
        assertThat(chown.ok()).as(chown.toString()).isTrue();
        assertThat(Files.getAttribute(f.u("file"), "unix:uid")).isEqualTo(65534);
        assertThat(Files.getAttribute(p, "unix:gid")).isEqualTo(65534);
        Sh.Result touch = Sh.run("touch", "-m", "-d", "2020-01-02 03:04:05.123456789", p.toString());
        assertThat(touch.ok()).as(touch.toString()).isTrue();
        FileTime mt = Files.getLastModifiedTime(f.u("file"));
        assertThat(mt.toInstant()).isEqualTo(Instant.parse("2020-01-02T03:04:05.123456789Z")
                .minusSeconds(java.time.ZoneId.systemDefault().getRules().getOffset(Instant.parse("2020-01-02T03:04:05Z")).getTotalSeconds()));
        assertThat(Files.getLastModifiedTime(p)).isEqualTo(mt);
        Sh.Result touchNew = Sh.run("touch", f.m("fresh").toString());
        assertThat(touchNew.ok()).as(touchNew.toString()).isTrue();
        assertThat(Files.size(f.u("fresh"))).isZero();
        Map<String, Object> st = Files.readAttributes(p, "unix:size,mode,nlink,ino", LinkOption.NOFOLLOW_LINKS);
        assertThat(st.get("size")).isEqualTo(5L);
        assertThat(((Integer) st.get("mode")) & 0170777).isEqualTo(0100710);
        assertThat(st.get("nlink")).isEqualTo(1);
        assertThat(Files.readAttributes(f.mnt, "unix:mode").get("mode")).matches(m -> (((Integer) m) & 0170000) == 0040000);
        // directories: mkdir mode honours the umask-free mode we pass
        Files.createDirectory(f.m("dir"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.u("dir")))).isEqualTo("rwxr-x---");
    }

    @Test
    void statfsReportsTheStoreCapacity() throws Exception {
        FileStore mnt = Files.getFileStore(f.mnt);
        FileStore ufs = Files.getFileStore(f.ufs);
        assertThat(mnt.getTotalSpace()).isCloseTo(ufs.getTotalSpace(), org.assertj.core.data.Percentage.withPercentage(1));
        Sh.Result df = Sh.run("df", "-P", f.mnt.toString());
        assertThat(df.ok()).as(df.toString()).isTrue();
        assertThat(df.out()).contains("alluxio-fuse");
        Sh.Result stat = Sh.run("stat", "-f", "-c", "%l", f.mnt.toString());
        assertThat(stat.out().strip()).isEqualTo("255");
    }

    @Test
    void failureErrnos() throws Exception {
        Files.createDirectories(f.m("dir/sub"));
        Files.writeString(f.m("file"), "x");
        assertErrno("ENOENT", () -> Files.readString(f.m("missing")));
        assertErrno("ENOENT", () -> Files.delete(f.m("missing")));
        assertErrno("ENOENT", () -> Files.createDirectory(f.m("missing/child")));
        assertErrno("EEXIST", () -> Files.createDirectory(f.m("dir")));
        assertErrno("EEXIST", () -> Files.createFile(f.m("file")));
        assertErrno("ENOTEMPTY", () -> Files.delete(f.m("dir")));
        assertErrno("EISDIR", () -> Files.writeString(f.m("dir"), "x"));
        assertThat(Sh.run("rm", f.m("dir").toString()).err()).contains("Is a directory");
        assertErrno("ENOTDIR", () -> Files.readString(f.m("file/child")));
        assertThat(Sh.run("rmdir", f.m("file").toString()).err()).contains("Not a directory");
        assertErrno("ENOTDIR", () -> Files.createFile(f.m("file/child")));
    }

    @Test
    void hardLinksMknodAndSymlinksOffByDefault() throws Exception {
        Files.writeString(f.m("file"), "x");
        assertErrno("EPERM", () -> Files.createLink(f.m("link"), f.m("file")));
        Sh.Result fifo = Sh.run("mkfifo", f.m("fifo").toString());
        assertThat(fifo.exit()).isNotZero();
        assertThat(Errnos.fromText(fifo.err())).isEqualTo("EPERM");
        Sh.Result sock = Sh.run("mknod", f.m("chr").toString(), "c", "1", "3");
        assertThat(Errnos.fromText(sock.err())).isEqualTo("EPERM");
        // regular-file mknod works
        Sh.Result reg = Sh.run("python3", "-c", "import os,stat; os.mknod('" + f.m("regular") + "', 0o640 | stat.S_IFREG)");
        assertThat(reg.ok()).as(reg.toString()).isTrue();
        assertThat(Files.isRegularFile(f.u("regular"))).isTrue();
        assertErrno("EOPNOTSUPP", () -> Files.createSymbolicLink(f.m("sym"), Path.of("file")));
        // existing links in the UFS are shown and readable
        Files.createSymbolicLink(f.u("ufslink"), Path.of("file"));
        assertThat(Files.readSymbolicLink(f.m("ufslink"))).isEqualTo(Path.of("file"));
    }

    @Test
    void names() throws Exception {
        for (String name : new String[] {"what?", "back\\slash", "with space", " lead", "tab\there", "ünïcødé 日本",
                "a".repeat(255), "é".repeat(127) + "a"}) {
            Files.writeString(f.m(name), name);
            assertThat(Files.readString(f.u(name))).isEqualTo(name);
            assertThat(Files.readString(f.m(name))).isEqualTo(name);
            try (var s = Files.list(f.mnt)) {
                assertThat(s.map(p -> p.getFileName().toString())).contains(name);
            }
        }
        assertErrno("ENAMETOOLONG", () -> Files.writeString(f.m("a".repeat(256)), "x"));
        assertErrno("ENAMETOOLONG", () -> Files.createDirectory(f.m("é".repeat(128))));
        assertErrno("ENAMETOOLONG", () -> Files.readString(f.m("b".repeat(300))));
        // ".." at the root of the mount stays at the mount's parent (the kernel resolves it)
        assertThat(f.m("..").toRealPath()).isEqualTo(f.base.toRealPath());
    }
}
