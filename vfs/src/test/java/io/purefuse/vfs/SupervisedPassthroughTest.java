package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.vfs.cli.AlluxioFuseCommand;
import io.purefuse.vfs.cli.RuntimeFiles;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * FUSE passthrough on a supervised mount across a {@code kill -9} of its server: the backing id
 * the dead server registered is recorded in the state log, adopted by the successor for new opens
 * of the file still open through it, and closed by the successor at the last RELEASE. The UFS is a
 * private tmpfs, so "the kernel let go of the backing file" is measured as the space of an
 * unlinked UFS file coming back.
 */
@Timeout(300)
class SupervisedPassthroughTest {
    static final int SIZE = 32 << 20;

    Path base;
    Path runtime;
    Path mnt;
    Path ufs;
    boolean tmpfsMounted;

    @BeforeEach
    void dirs() throws Exception {
        base = Files.createTempDirectory("purefuse-suppt-");
        runtime = Files.createDirectory(base.resolve("run"));
        mnt = Files.createDirectory(base.resolve("mnt"));
        ufs = Files.createDirectory(base.resolve("ufs"));
        Sh.Result r = Sh.run("mount", "-t", "tmpfs", "-o", "size=256m", "purefuse-test", ufs.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        tmpfsMounted = true;
    }

    @AfterEach
    void cleanup() {
        cli("unmount", mnt.toString());
        MountFixture.forceUnmount(mnt);
        SupervisedMountTest.killSupervisorOf(mnt);
        if (tmpfsMounted && Sh.run("umount", ufs.toString()).exit() != 0) {
            Sh.run("umount", "-l", ufs.toString());
        }
        MountFixture.deleteTree(base);
    }

    Sh.Result cli(String... args) {
        return cliWith(List.of(), args);
    }

    Sh.Result cliWith(List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-D" + RuntimeFiles.DIR_PROPERTY + "=" + runtime);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AlluxioFuseCommand.class.getName());
        cmd.addAll(List.of(args));
        return Sh.run(120, cmd);
    }

    String listLine() {
        return cli("list").out().lines().filter(l -> l.startsWith(mnt + " ")).findFirst().orElse("");
    }

    long serverPid() {
        return Long.parseLong(listLine().split("\\s+")[2]);
    }

    VfsStateLog.State state() throws Exception {
        try (Stream<Path> s = Files.list(runtime)) {
            Path f = s.filter(p -> p.getFileName().toString().endsWith(".state")).findFirst().orElseThrow();
            return VfsStateLog.read(f);
        }
    }

    String serverLog() throws Exception {
        try (Stream<Path> s = Files.list(runtime)) {
            Path f = s.filter(p -> p.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
            return Files.readString(f);
        }
    }

    /** The backing id the state log records for the only inode that has one. */
    static int onlyBackingId(VfsStateLog.State st) {
        assertThat(st.backing).as("backing ids in %s", VfsStateLog.describe(st)).hasSize(1);
        return st.backing.values().iterator().next();
    }

    static long passthroughFiles(VfsStateLog.State st) {
        return st.files.values().stream().filter(e -> e[2] != 0).count();
    }

    static byte[] sha(FileChannel ch) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        for (long pos = 0; ; ) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            md.update(buf.array(), 0, n);
            pos += n;
        }
        return md.digest();
    }

    long usedBytes() throws Exception {
        FileStore fs = Files.getFileStore(ufs);
        return fs.getTotalSpace() - fs.getUnallocatedSpace();
    }

    @Test
    void aFileOpenThroughPassthroughSurvivesTheServerAndItsIdIsReusedAndClosedByTheSuccessor() throws Exception {
        byte[] data = new byte[SIZE];
        new Random(11).nextBytes(data);
        Files.write(ufs.resolve("big"), data);
        byte[] want = MessageDigest.getInstance("SHA-256").digest(data);

        Sh.Result m = cli("mount", "--ufs", ufs.toString(), mnt.toString());
        assertThat(m.exit()).as(m.toString()).isZero();
        assertThat(m.out()).contains("supervisor");

        try (FileChannel held = FileChannel.open(mnt.resolve("big"), StandardOpenOption.READ)) {
            assertThat(sha(held)).isEqualTo(want);
            VfsStateLog.State st = state();
            int id = onlyBackingId(st);
            assertThat(passthroughFiles(st)).as("%s", VfsStateLog.describe(st)).isEqualTo(1);

            // A stopped server answers nothing: the held file reads from its backing file alone.
            long pid = serverPid();
            assertThat(Sh.run("kill", "-STOP", Long.toString(pid)).exit()).isZero();
            byte[] whileStopped;
            try {
                whileStopped = CompletableFuture.supplyAsync(() -> {
                    try {
                        return sha(held);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).get(60, TimeUnit.SECONDS);
            } finally {
                Sh.run("kill", "-9", Long.toString(pid));
            }
            assertThat(whileStopped).as("read while the server was stopped").isEqualTo(want);
            long deadline = System.currentTimeMillis() + 60_000;
            while (!listLine().contains(" 1/0 ")) {
                assertThat(System.currentTimeMillis()).as("takeover").isLessThan(deadline);
                Thread.sleep(50);
            }

            assertThat(sha(held)).as("held file after the takeover").isEqualTo(want);
            // New opens while the old one is open must name the same registration (else EIO).
            try (FileChannel again = FileChannel.open(mnt.resolve("big"), StandardOpenOption.READ)) {
                assertThat(sha(again)).as("new open after the takeover").isEqualTo(want);
                VfsStateLog.State after = state();
                assertThat(onlyBackingId(after)).as("the successor reuses the dead server's id").isEqualTo(id);
                assertThat(passthroughFiles(after)).as("%s", VfsStateLog.describe(after)).isEqualTo(2);
            }
            assertThat(Files.readAllBytes(mnt.resolve("big"))).as("third open").isEqualTo(data);

            // Control: while the held file is open, an unlinked UFS file keeps its space.
            Files.delete(ufs.resolve("big"));
            assertThat(usedBytes()).as("space of the unlinked file still open").isGreaterThanOrEqualTo(SIZE);
            assertThat(sha(held)).as("held file after the UFS unlink").isEqualTo(want);
        }
        // Last RELEASE arrives at the successor: it closes the adopted id, and the kernel lets go.
        long deadline = System.currentTimeMillis() + 20_000;
        while (usedBytes() >= SIZE / 2 || !state().backing.isEmpty()) {
            assertThat(System.currentTimeMillis())
                    .as("backing file released (used %d bytes, state %s)", usedBytes(), VfsStateLog.describe(state()))
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(state().files).isEmpty();
        String log = serverLog();
        assertThat(log).contains("adopted 1 backing ids");
        assertThat(log).doesNotContain("closing backing id");

        Sh.Result u = cli("unmount", mnt.toString());
        assertThat(u.exit()).as(u.toString()).isZero();
    }

    @Test
    void anIdTheDeadServerDidNotCloseAfterTheLastReleaseIsClosedByTheSuccessor() throws Exception {
        byte[] data = new byte[SIZE];
        new Random(12).nextBytes(data);
        Files.write(ufs.resolve("big"), data);

        // The server dies after recording the last FILE_CLOSE of "big" and before closing its id.
        Sh.Result m = cliWith(List.of("-Dpurefuse.test.crashAfter=backing-close:big"),
                "mount", "--ufs", ufs.toString(), mnt.toString());
        assertThat(m.exit()).as(m.toString()).isZero();
        assertThat(Files.readAllBytes(mnt.resolve("big"))).isEqualTo(data);
        long deadline = System.currentTimeMillis() + 60_000;
        while (!listLine().contains(" 1/0 ")) {
            assertThat(System.currentTimeMillis()).as("takeover after the crash at release").isLessThan(deadline);
            Thread.sleep(50);
        }
        Files.delete(ufs.resolve("big"));
        deadline = System.currentTimeMillis() + 20_000;
        while (usedBytes() >= SIZE / 2 || !state().backing.isEmpty()) {
            assertThat(System.currentTimeMillis())
                    .as("backing file released (used %d bytes, state %s)", usedBytes(), VfsStateLog.describe(state()))
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(serverLog()).contains("adopted 0 backing ids of the previous server (1 closed as unused)");
        assertThat(serverLog()).doesNotContain("closing backing id");

        Sh.Result u = cli("unmount", mnt.toString());
        assertThat(u.exit()).as(u.toString()).isZero();
    }
}
