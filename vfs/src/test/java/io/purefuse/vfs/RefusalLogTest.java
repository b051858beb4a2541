package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.vfs.cli.AlluxioFuseCommand;
import io.purefuse.vfs.cli.RuntimeFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A write the sequential-write default refuses (EOPNOTSUPP) is explained in the mount's log at a
 * level that shows by default, once per open file, with the path and the property to set.
 */
@Timeout(180)
class RefusalLogTest {
    Path base;
    Path runtime;
    Path mnt;

    @BeforeEach
    void dirs() throws Exception {
        base = Files.createTempDirectory("purefuse-refusal-");
        runtime = Files.createDirectory(base.resolve("run"));
        Files.createDirectories(base.resolve("ufs"));
        Files.writeString(base.resolve("ufs/existing.txt"), "0123456789");
        mnt = Files.createDirectory(base.resolve("mnt"));
    }

    @AfterEach
    void cleanup() {
        MountFixture.forceUnmount(mnt);
        MountFixture.deleteTree(base);
    }

    Sh.Result cli(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-D" + RuntimeFiles.DIR_PROPERTY + "=" + runtime);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AlluxioFuseCommand.class.getName());
        cmd.addAll(List.of(args));
        return Sh.run(90, cmd);
    }

    @Test
    void refusedAppendsAndOverwritesAreLoggedOncePerOpenFile() throws Exception {
        Sh.Result m = cli("mount", "--ufs", base.resolve("ufs").toString(), mnt.toString());
        assertThat(m.exit()).as(m.toString()).isZero();
        String script = String.join("\n",
                "import os, sys",
                "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)",
                "for i in range(3):",
                "    try:",
                "        os.write(fd, b'more')",
                "        print('written')",
                "    except OSError as e:",
                "        print('errno', e.errno)",
                "os.close(fd)",
                "fd = os.open(sys.argv[1], os.O_WRONLY)",
                "try:",
                "    os.pwrite(fd, b'X', 3)",
                "except OSError as e:",
                "    print('errno', e.errno)",
                "os.close(fd)");
        Sh.Result r = Sh.run("python3", "-c", script, mnt.resolve("existing.txt").toString());
        assertThat(r.out().lines().toList()).as(r.toString()).containsExactly("errno 95", "errno 95", "errno 95",
                "errno 95");
        Sh.Result u = cli("unmount", mnt.toString());
        assertThat(u.exit()).as(u.toString()).isZero();

        List<String> refusals = Files.readAllLines(runtime.resolve(RuntimeFiles.of(mnt).log().getFileName()))
                .stream().filter(l -> l.contains("refused")).toList();
        assertThat(refusals).as("one line per open file").hasSize(2);
        assertThat(refusals).allMatch(l -> l.contains("WARN") && l.contains("/existing.txt")
                && l.contains("alluxio.user.fuse.random.access.file.stream.enabled=true"));
        assertThat(refusals.get(0)).contains("an append at offset 10");
        assertThat(refusals.get(1)).contains("an overwrite at offset 3");
        assertThat(Files.readString(base.resolve("ufs/existing.txt"))).isEqualTo("0123456789");
    }
}
