package io.purefuse.harness.mount;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.harness.fixture.MountedFs;
import io.purefuse.harness.fixture.Shell;
import io.purefuse.harness.memfs.MemFs;
import io.purefuse.session.SessionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the real-mount tests: a fresh {@link MemFs} mounted before each test and always
 * unmounted after it (even when the test failed). Needs /dev/fuse and root or fusermount3.
 */
abstract class MountTestSupport {
    static final Duration CMD_TIMEOUT = Duration.ofSeconds(30);

    MemFs fs;
    MountedFs mnt;
    Path root;

    /** The filesystem to mount; subclasses may return a special one. */
    MemFs newFilesystem() {
        return new MemFs();
    }

    SessionOptions sessionOptions() {
        return new SessionOptions();
    }

    @BeforeEach
    void mountMemFs() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")), "/dev/fuse missing");
        fs = newFilesystem();
        mnt = MountedFs.mount(fs, sessionOptions());
        root = mnt.root();
    }

    @AfterEach
    void unmountMemFs() throws InterruptedException {
        if (mnt != null) {
            Path mp = mnt.root();
            mnt.close();
            assertThat(MountedFs.isMounted(mp)).as("still mounted after close: %s", mp).isFalse();
        }
    }

    /** Runs a bash script in the mount point; $1.. are {@code args}. */
    Shell.Result sh(String script, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", "-c", "umask 022\n" + script, "bash"));
        cmd.addAll(List.of(args));
        return Shell.run(CMD_TIMEOUT, root, cmd);
    }

    /** Runs a bash script in the mount point and returns its stdout (without the last newline); fails on errors. */
    String shOk(String script, String... args) {
        return sh(script, args).check().out();
    }

    /** A python3 snippet (with ctypes libc in scope as {@code libc}) run in the mount point. */
    Shell.Result py(String code, String... args) {
        String prelude = "import ctypes, os, sys, errno\nlibc = ctypes.CDLL(None, use_errno=True)\n";
        List<String> cmd = new java.util.ArrayList<>(List.of("python3", "-c", prelude + code));
        cmd.addAll(List.of(args));
        return Shell.run(CMD_TIMEOUT, root, cmd);
    }

    static boolean hasPython() {
        return Shell.has("python3");
    }
}
