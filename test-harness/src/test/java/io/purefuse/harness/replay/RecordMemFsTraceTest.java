package io.purefuse.harness.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.harness.fixture.MountedFs;
import io.purefuse.harness.fixture.Shell;
import io.purefuse.harness.memfs.MemFs;
import io.purefuse.session.SessionOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the real-kernel conformance trace {@code src/test/resources/traces/memfs-kernel-6.18.trace}
 * that {@link MemFsReplayTest} replays. Not part of the normal run; record it again (on a machine
 * with /dev/fuse, as root) with:
 *
 * <pre>
 * mvn -B -o -pl test-harness test -Dtest=RecordMemFsTraceTest -Dpurefuse.recordTrace=true
 * </pre>
 *
 * ({@code -Dpurefuse.traceOut=FILE} writes elsewhere.) The mount uses one reader thread so that
 * requests are handled in exactly the order they were read, which is the order replay sends them.
 */
@Tag("record")
@EnabledIfSystemProperty(named = "purefuse.recordTrace", matches = "true")
class RecordMemFsTraceTest {
    static final String DEFAULT_OUT = "src/test/resources/traces/memfs-kernel-6.18.trace";

    /** The MemFs both recording and replay use: everything that shows in replies is fixed. */
    static MemFs newMemFs() {
        return new MemFs(new MemFs.Options().rootOwner(0, 0).rootMode(0755));
    }

    /** A workload that touches every operation MemFs implements; run as root in the mount point. */
    static final String WORKLOAD = String.join("\n",
            "set -e",
            "umask 022",
            "ls -la",
            "mkdir d d/sub",
            "echo hello > d/f",
            "cat d/f",
            "echo more >> d/f",
            "stat d/f > /dev/null",
            "stat -f . > /dev/null",
            "df . > /dev/null",
            "chmod 600 d/f",
            "chown 1:2 d/f",
            "touch -d @1000000000 d/f",
            "touch d/f",
            "truncate -s 3 d/f",
            "truncate -s 10000 d/f",
            "ln -s f d/link",
            "readlink d/link",
            "cat d/link",
            "ln d/f d/hard",
            "stat -c %h d/f",
            "mv d/hard d/hard2",
            "echo other > d/g",
            "mkfifo d/fifo",
            "dd if=/dev/zero of=d/data bs=4k count=16 status=none",
            "dd if=d/data of=/dev/null bs=16k iflag=direct status=none",
            "fallocate -l 131072 d/falloc",
            "fallocate -n -o 131072 -l 65536 d/falloc",
            "fallocate -p -o 0 -l 4096 d/falloc 2>/dev/null || true",
            "for i in $(seq 1 150); do : > d/sub/entry-$i; done",
            "ls d/sub | wc -l",
            "ls -l d/sub > /dev/null",
            "cat d/missing 2>/dev/null || true",
            "stat d/nothing/deeper 2>/dev/null || true",
            "rmdir d 2>/dev/null || true",
            "python3 - <<'PY'",
            "import ctypes, errno, os",
            "libc = ctypes.CDLL(None, use_errno=True)",
            "def r2(a, b, flags):",
            "    rc = libc.renameat2(-100, a.encode(), -100, b.encode(), flags)",
            "    return 0 if rc == 0 else errno.errorcode[ctypes.get_errno()]",
            "os.rename('d/g', 'd/hard2')",
            "print(r2('d/f', 'd/link', 1))",
            "print(r2('d/f', 'd/link', 2))",
            "print(r2('d/sub', 'd/sub/x', 0))",
            "def e(fn):",
            "    try:",
            "        r = fn(); return 'ok' if r is None else r",
            "    except OSError as x:",
            "        return errno.errorcode[x.errno]",
            "print(e(lambda: os.setxattr('d/link', 'user.a', b'1', os.XATTR_REPLACE)))",
            "print(e(lambda: os.setxattr('d/data', 'user.a', b'1', os.XATTR_CREATE)))",
            "print(e(lambda: os.setxattr('d/data', 'user.a', b'2', os.XATTR_CREATE)))",
            "print(e(lambda: os.setxattr('d/data', 'user.b', b'22', 0)))",
            "print(e(lambda: os.getxattr('d/data', 'user.b')))",
            "print(e(lambda: os.getxattr('d/data', 'user.none')))",
            "buf = ctypes.create_string_buffer(1)",
            "print(libc.getxattr(b'd/data', b'user.b', buf, 1), libc.getxattr(b'd/data', b'user.b', None, 0))",
            "print(sorted(os.listxattr('d/data')), libc.listxattr(b'd/data', buf, 1))",
            "print(e(lambda: os.removexattr('d/data', 'user.a')), e(lambda: os.removexattr('d/data', 'user.a')))",
            "print(os.access('d/data', os.R_OK | os.W_OK))",
            "fd = os.open('d/sparse', os.O_CREAT | os.O_RDWR, 0o644)",
            "os.pwrite(fd, b'x' * 10, 1 << 20)",
            "print(os.lseek(fd, 0, os.SEEK_DATA), os.lseek(fd, 0, os.SEEK_HOLE))",
            "os.fsync(fd)",
            "os.fdatasync(fd)",
            "out = os.open('d/copy', os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)",
            "print(os.copy_file_range(fd, out, 100, 1 << 20))",
            "os.close(out)",
            "os.close(fd)",
            "os.mknod('d/node', 0o644 | 0o100000)",
            "print(sorted(os.listdir('d')))",
            "PY",
            "rm d/f d/hard2 d/fifo",
            "rm -r d/sub",
            "mv d/link d/link2",
            "ls -la d",
            "rm -r d",
            "ls -la");

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void recordTrace() throws Exception {
        Path out = Path.of(System.getProperty("purefuse.traceOut", DEFAULT_OUT)).toAbsolutePath();
        Files.createDirectories(out.getParent());
        SessionOptions options = new SessionOptions().readerThreads(1).traceFile(out);
        Shell.Result r;
        try (MountedFs m = MountedFs.mount(newMemFs(), options)) {
            r = Shell.run(Duration.ofSeconds(90), m.root(), List.of("bash", "-c", WORKLOAD));
            System.out.println(r.describe());
        }
        r.check();
        long size = Files.size(out);
        System.out.printf("recorded %s: %d bytes%n", out, size);
        assertThat(size).isBetween(1000L, 1L << 20);
    }
}
