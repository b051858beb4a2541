package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.mount.supervisor.ControlServer;
import io.purefuse.mount.supervisor.RunDirectory;
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
 * {@code alluxio-fuse upgrade -o/-D MOUNTPOINT} on a live supervised mount: options fixed at mount
 * time are refused and change nothing; a new server that cannot start leaves the old one serving
 * with its old command line; options that can change take effect in the new server (random
 * access writes turned on: an append that failed now works).
 */
@Timeout(300)
class SupervisedUpgradeOptionsTest {
    Path base;
    Path runtime;
    Path ufs;
    Path mnt;

    @BeforeEach
    void dirs() throws Exception {
        base = Files.createTempDirectory("purefuse-upopt-");
        runtime = Files.createDirectory(base.resolve("run"));
        ufs = Files.createDirectory(base.resolve("ufs"));
        mnt = Files.createDirectory(base.resolve("mnt"));
        Files.writeString(ufs.resolve("existing"), "abc\n");
    }

    @AfterEach
    void cleanup() {
        try {
            cli("unmount", "--timeout", "10s", mnt.toString());
        } catch (AssertionError | RuntimeException e) {
            System.err.println("cleanup: " + e.getMessage());
        }
        SupervisedMountTest.killSupervisorOf(mnt);
        MountFixture.forceUnmount(mnt);
        MountFixture.deleteTree(base);
    }

    Sh.Result cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + RuntimeFiles.DIR_PROPERTY + "=" + runtime, "-cp", System.getProperty("java.class.path"),
                AlluxioFuseCommand.class.getName()));
        cmd.addAll(List.of(args));
        return Sh.run(180, cmd);
    }

    String argv() throws Exception {
        for (String l : ControlServer.call(RunDirectory.controlSocket(mnt), "status")) {
            if (l.startsWith("argv ")) {
                return l.substring(5);
            }
        }
        return "";
    }

    Sh.Result append() {
        return Sh.run(60, List.of("sh", "-c", "echo more >> '" + mnt.resolve("existing") + "'"));
    }

    @Test
    void upgradeTakesOptionsThatNeedNoRemountAndRefusesTheOthers() throws Exception {
        Sh.Result m = cli("mount", "--ufs", ufs.toString(), mnt.toString());
        assertThat(m.exit()).as(m.toString()).isZero();
        assertThat(append().exit()).as("appending without random access").isNotZero();
        String before = argv();
        assertThat(before).contains("mount");

        Sh.Result kernelSide = cli("upgrade", "-o", "allow_other", "-D", FuseConfig.UFS_ROOT + "=/elsewhere",
                mnt.toString());
        assertThat(kernelSide.exit()).as(kernelSide.toString()).isEqualTo(2);
        assertThat(kernelSide.err()).contains("-o allow_other").contains("-D " + FuseConfig.UFS_ROOT)
                .contains("unmount and mount again");

        Sh.Result broken = cli("upgrade", "-D", FuseConfig.UMOUNT_TIMEOUT + "=banana", mnt.toString());
        assertThat(broken.exit()).as(broken.toString()).isEqualTo(1);
        assertThat(broken.err()).contains("did not get ready").contains("serves on");
        assertThat(argv()).as("the old command line stays").isEqualTo(before);
        assertThat(Files.readString(mnt.resolve("existing"))).isEqualTo("abc\n");

        Sh.Result up = cli("upgrade", "-D", FuseConfig.RANDOM_ACCESS + "=true", "-o", "attr_timeout=0.5",
                mnt.toString());
        assertThat(up.exit()).as(up.toString()).isZero();
        assertThat(up.out()).contains("upgraded");
        assertThat(argv()).contains(FuseConfig.RANDOM_ACCESS + "=true").contains("attr_timeout=0.5");
        Sh.Result a = append();
        assertThat(a.exit()).as("appending after the upgrade turned random access on: %s", a).isZero();
        assertThat(Files.readString(ufs.resolve("existing"))).isEqualTo("abc\nmore\n");
        Sh.Result list = cli("list");
        assertThat(list.out().lines().filter(l -> l.startsWith(mnt + " ")).findFirst().orElse(""))
                .as(list.toString()).contains(" 0/1 ");
    }
}
