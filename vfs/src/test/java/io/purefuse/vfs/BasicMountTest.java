package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ls / cat / cp / mkdir / rm through a real mount. */
@Timeout(120)
class BasicMountTest {
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
    void lsCatCpThroughTheMount() throws Exception {
        Files.writeString(f.u("hello.txt"), "hello world\n");
        Files.createDirectory(f.u("dir"));
        Files.writeString(f.u("dir/inner"), "x");

        Sh.Result ls = Sh.run("ls", "-la", f.mnt.toString());
        assertThat(ls.ok()).as(ls.toString()).isTrue();
        assertThat(ls.out()).contains("hello.txt").contains("dir");

        Sh.Result cat = Sh.run("cat", f.m("hello.txt").toString());
        assertThat(cat.out()).isEqualTo("hello world\n");

        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(data);
        Files.write(f.base.resolve("src.bin"), data);
        Sh.Result cp = Sh.run("cp", f.base.resolve("src.bin").toString(), f.m("dir/copy.bin").toString());
        assertThat(cp.ok()).as(cp.toString()).isTrue();
        assertThat(Files.readAllBytes(f.u("dir/copy.bin"))).isEqualTo(data);
        assertThat(Files.readAllBytes(f.m("dir/copy.bin"))).isEqualTo(data);
        assertThat(Files.size(f.m("dir/copy.bin"))).isEqualTo(data.length);

        Sh.Result cp2 = Sh.run("cp", f.m("dir/copy.bin").toString(), f.base.resolve("back.bin").toString());
        assertThat(cp2.ok()).as(cp2.toString()).isTrue();
        assertThat(Files.readAllBytes(f.base.resolve("back.bin"))).isEqualTo(data);

        try (Stream<java.nio.file.Path> s = Files.list(f.m("dir"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("inner", "copy.bin");
        }
    }

    @Test
    void createAndDeleteFilesAndDirectories() throws Exception {
        Files.createDirectories(f.m("a/b/c"));
        assertThat(Files.isDirectory(f.u("a/b/c"))).isTrue();
        Files.writeString(f.m("a/b/c/file"), "content", StandardCharsets.UTF_8);
        assertThat(Files.readString(f.u("a/b/c/file"))).isEqualTo("content");
        Files.delete(f.m("a/b/c/file"));
        assertThat(Files.exists(f.u("a/b/c/file"))).isFalse();
        assertThat(Files.exists(f.m("a/b/c/file"))).isFalse();
        Files.delete(f.m("a/b/c"));
        assertThat(Files.exists(f.u("a/b/c"))).isFalse();
        Sh.Result rm = Sh.run("rm", "-rf", f.m("a").toString());
        assertThat(rm.ok()).as(rm.toString()).isTrue();
        assertThat(Files.exists(f.u("a"))).isFalse();
    }
}
