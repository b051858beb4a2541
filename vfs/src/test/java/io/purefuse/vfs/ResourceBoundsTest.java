package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 files held open at once through a mount with a 64-entry metadata cache: the heap of the
 * (in-process) mount grows by a bounded amount per open handle and returns to its baseline once
 * they are closed; the UFS descriptors behind the handles are released at RELEASE, and the inode
 * table shrinks when the kernel FORGETs (after dropping its dentry cache). The opener is a
 * separate process so that its 10,000 descriptors do not count against this JVM.
 */
@Timeout(600)
class ResourceBoundsTest {
    static final int FILES = 10_000;
    /** A generous ceiling: a handle, its inode and a UFS reader are a few hundred bytes. */
    static final long MAX_BYTES_PER_HANDLE = 4096;

    @Test
    void tenThousandOpenHandlesStayBoundedAndAreReleased() throws Exception {
        try (MountFixture f = MountFixture.start(o -> o.metadataCacheMaxSize(64).passthrough(false), m -> { },
                ufs -> {
                    try {
                        for (int i = 0; i < FILES; i++) {
                            Files.writeString(ufs.resolve("f" + i), "x" + i);
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                })) {
            long heap0 = heapAfterGc();
            int fds0 = openFds();
            String script = "import sys,os\n"
                    + "fs=[open(os.path.join(sys.argv[1],'f%d'%i),'rb') for i in range(" + FILES + ")]\n"
                    + "for f in fs: f.read(1)\n"
                    + "print('ready', flush=True)\n"
                    + "sys.stdin.readline()\n"
                    + "for f in fs: f.close()\n"
                    + "print('closed', flush=True)\n";
            Process p = new ProcessBuilder("python3", "-c", script, f.mnt.toString()).redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                assertThat(line).as("opener").isEqualTo("ready");
                int handles = f.fs.context().handles().size();
                int inodes = f.fs.context().inodes().size();
                long heapOpen = heapAfterGc();
                int fdsOpen = openFds();
                OutputStream in = p.getOutputStream();
                in.write('\n');
                in.flush();
                assertThat(out.readLine()).isEqualTo("closed");
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                // RELEASE is asynchronous after close(2): wait for the handles to go.
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!f.fs.context().handles().isEmpty() && System.nanoTime() < until) {
                    Thread.sleep(100);
                }
                int fdsClosed = openFds();
                long heapClosed = heapAfterGc();
                // Make the kernel FORGET: drop its dentry and inode caches (root only).
                Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
                until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (f.fs.context().inodes().size() > 100 && System.nanoTime() < until) {
                    Thread.sleep(100);
                }
                int inodesForgotten = f.fs.context().inodes().size();
                long heapForgotten = heapAfterGc();
                System.out.printf("handles %d, inodes %d -> %d after FORGET; fds %d -> %d open -> %d closed;"
                        + " heap %.1f MiB -> %.1f MiB open (%d B/handle) -> %.1f MiB closed -> %.1f MiB forgotten%n",
                        handles, inodes, inodesForgotten, fds0, fdsOpen, fdsClosed, heap0 / 1048576.0,
                        heapOpen / 1048576.0, (heapOpen - heap0) / FILES, heapClosed / 1048576.0,
                        heapForgotten / 1048576.0);
                assertThat(handles).as("open handles in the VFS").isEqualTo(FILES);
                assertThat(fdsOpen - fds0).as("UFS descriptors behind the open handles").isGreaterThanOrEqualTo(FILES);
                assertThat((heapOpen - heap0) / FILES).as("heap bytes per open handle").isLessThan(MAX_BYTES_PER_HANDLE);
                assertThat(f.fs.context().handles()).as("handles after RELEASE").isEmpty();
                assertThat(fdsClosed).as("descriptors after RELEASE (before: %d)", fds0).isLessThanOrEqualTo(fds0 + 8);
                assertThat(inodesForgotten).as("inodes after FORGET").isLessThanOrEqualTo(100);
                assertThat(heapForgotten - heap0).as("heap left over after close and FORGET")
                        .isLessThan(FILES * 200L);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    private static int openFds() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }
}
