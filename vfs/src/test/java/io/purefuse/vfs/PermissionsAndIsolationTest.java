package io.purefuse.vfs;

import static io.purefuse.vfs.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** default_permissions, caller ownership, ro, sub-path isolation, symlinks on. */
@Timeout(120)
class PermissionsAndIsolationTest {
    /** Runs a shell snippet as nobody. */
    static Sh.Result asNobody(String script) {
        return Sh.run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c", script);
    }

    @Test
    void defaultPermissionsLetTheKernelCheckModesAndNewFilesBelongToTheCaller() throws Exception {
        try (MountFixture f = MountFixture.start(o -> { },
                m -> m.defaultPermissions(true).allowOther(true), null)) {
            Files.writeString(f.m("private"), "secret");
            Files.setPosixFilePermissions(f.m("private"), PosixFilePermissions.fromString("rw-------"));
            Files.writeString(f.m("public"), "hello");
            Files.setPosixFilePermissions(f.m("public"), PosixFilePermissions.fromString("rw-r--r--"));
            Files.createDirectory(f.m("shared"));
            Files.setPosixFilePermissions(f.m("shared"), PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setPosixFilePermissions(f.mnt, PosixFilePermissions.fromString("rwxr-xr-x"));

            Sh.Result denied = asNobody("cat " + f.m("private"));
            assertThat(denied.exit()).isNotZero();
            assertThat(Errnos.fromText(denied.err())).as(denied.toString()).isEqualTo("EACCES");
            Sh.Result ok = asNobody("cat " + f.m("public"));
            assertThat(ok.out()).as(ok.toString()).isEqualTo("hello");
            Sh.Result write = asNobody("echo x >> " + f.m("public"));
            assertThat(Errnos.fromText(write.err())).as(write.toString()).isEqualTo("EACCES");
            Sh.Result mk = asNobody("mkdir " + f.m("nope"));
            assertThat(Errnos.fromText(mk.err())).as(mk.toString()).isEqualTo("EACCES");
            Sh.Result chmod = asNobody("chmod 777 " + f.m("public"));
            assertThat(Errnos.fromText(chmod.err())).as(chmod.toString()).isEqualTo("EPERM");

            // uid/gid of new entries = the caller
            Sh.Result create = asNobody("echo mine > " + f.m("shared/mine") + " && mkdir " + f.m("shared/d"));
            assertThat(create.ok()).as(create.toString()).isTrue();
            assertThat(Files.getAttribute(f.u("shared/mine"), "unix:uid")).isEqualTo(65534);
            assertThat(Files.getAttribute(f.u("shared/mine"), "unix:gid")).isEqualTo(65534);
            assertThat(Files.getAttribute(f.u("shared/d"), "unix:uid")).isEqualTo(65534);
            assertThat(Files.getAttribute(f.m("shared/mine"), "unix:uid")).isEqualTo(65534);
            Sh.Result umask = asNobody("umask 077; echo x > " + f.m("shared/masked"));
            assertThat(umask.ok()).as(umask.toString()).isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.u("shared/masked"))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void readOnlyMountAnswersErofsToEveryMutation() throws Exception {
        try (MountFixture f = MountFixture.start(o -> o.readOnly(true), m -> { }, u -> {
            try {
                Files.writeString(u.resolve("file"), "x");
                Files.createDirectory(u.resolve("dir"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        })) {
            assertThat(Files.readString(f.m("file"))).isEqualTo("x");
            assertErrno("EROFS", () -> Files.writeString(f.m("new"), "x"));
            assertErrno("EROFS", () -> Files.writeString(f.m("file"), "y"));
            assertErrno("EROFS", () -> Files.delete(f.m("file")));
            assertErrno("EROFS", () -> Files.delete(f.m("dir")));
            assertErrno("EROFS", () -> Files.createDirectory(f.m("d2")));
            assertErrno("EROFS", () -> Files.move(f.m("file"), f.m("moved")));
            assertErrno("EROFS", () -> Files.setPosixFilePermissions(f.m("file"), PosixFilePermissions.fromString("rwxrwxrwx")));
            assertErrno("EROFS", () -> Files.createSymbolicLink(f.m("s"), Path.of("file")));
            assertThat(Files.readString(f.u("file"))).isEqualTo("x");
        }
    }

    @Test
    void readOnlyInTheVfsAloneAlsoRefusesMutations() throws Exception {
        // Mounted read-write, but the VFS is read-only: the VFS itself answers EROFS.
        try (MountFixture f = MountFixture.start(o -> o.readOnly(true), m -> m.readOnly(false), null)) {
            assertErrno("EROFS", () -> Files.writeString(f.m("new"), "x"));
            assertErrno("EROFS", () -> Files.createDirectory(f.m("d")));
        }
    }

    @Test
    void subPathMountExposesOnlyThatSubtree() throws Exception {
        try (MountFixture f = MountFixture.start(o -> o.rootPath(FuseConfig.parseAlluxioPath("/tenant/a")), m -> { }, u -> {
            try {
                Files.createDirectories(u.resolve("tenant/a/data"));
                Files.createDirectories(u.resolve("tenant/b"));
                Files.writeString(u.resolve("tenant/a/data/x"), "inside");
                Files.writeString(u.resolve("tenant/b/secret"), "outside");
                Files.writeString(u.resolve("top"), "top");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        })) {
            try (Stream<Path> s = Files.list(f.mnt)) {
                assertThat(s.map(p -> p.getFileName().toString())).containsExactly("data");
            }
            assertThat(Files.readString(f.m("data/x"))).isEqualTo("inside");
            Files.writeString(f.m("new"), "n");
            assertThat(Files.readString(f.u("tenant/a/new"))).isEqualTo("n");
            // ".." from the root goes to the mount point's parent, never into the UFS
            assertThat(Files.exists(f.m("../b/secret"))).isFalse();
            assertThat(Files.exists(f.m("data/../../b/secret"))).isFalse();
            assertThat(Files.exists(f.m("top"))).isFalse();
            Files.move(f.m("data"), f.m("data2"));
            assertThat(Files.isDirectory(f.u("tenant/a/data2"))).isTrue();
        }
    }

    @Test
    void symlinksWhenEnabled() throws Exception {
        try (MountFixture f = MountFixture.start(o -> o.symlinks(true))) {
            Files.writeString(f.m("target"), "pointed");
            Files.createSymbolicLink(f.m("link"), Path.of("target"));
            assertThat(Files.isSymbolicLink(f.u("link"))).isTrue();
            assertThat(Files.readSymbolicLink(f.m("link"))).isEqualTo(Path.of("target"));
            assertThat(Files.readString(f.m("link"))).isEqualTo("pointed");
            Files.createSymbolicLink(f.m("dangling"), Path.of("/nowhere/at/all"));
            assertThat(Files.readSymbolicLink(f.m("dangling"))).isEqualTo(Path.of("/nowhere/at/all"));
            assertThat(Files.exists(f.m("dangling"))).isFalse();
            Files.delete(f.m("link"));
            assertThat(Files.exists(f.u("link"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
            assertThat(Files.readString(f.u("target"))).isEqualTo("pointed");
        }
    }
}
