package io.purefuse.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real mounts through /dev/fuse of {@link HelloFs}. */
@Timeout(60)
class FuseSessionMountTest {
    @TempDir
    Path tmp;
    Path mnt;
    FuseSession session;
    HelloFs fs = new HelloFs();

    @BeforeEach
    void mount() throws IOException {
        mnt = Files.createDirectory(tmp.resolve("mnt"));
        session = FuseSession.mount(mnt, fs, new SessionOptions().readerThreads(3));
    }

    @AfterEach
    void unmount() throws Exception {
        if (session != null) {
            session.close();
        }
        if (isMounted(mnt)) {
            new ProcessBuilder("fusermount3", "-u", "-z", mnt.toString()).inheritIO().start().waitFor();
        }
    }

    static boolean isMounted(Path p) throws IOException {
        return Files.readString(Path.of("/proc/self/mounts")).contains(" " + p + " ");
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("%s finished", String.join(" ", cmd)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void listsAndReads() throws Exception {
        assertThat(session.negotiated().minor()).isGreaterThan(0);
        assertThat(run("ls", "-a", mnt.toString())).isEqualTo(".\n..\nhello\n");
        assertThat(Files.readAllBytes(mnt.resolve("hello"))).isEqualTo(HelloFs.CONTENT);
        assertThat(run("cat", mnt.resolve("hello").toString())).isEqualTo("hello, world\n");
        assertThat(run("stat", "-c", "%s %a", mnt.resolve("hello").toString())).isEqualTo("13 644\n");
        assertThat(run("stat", mnt.resolve("missing").toString())).contains("No such file");
    }

    @Test
    void notificationsReachTheKernel() throws Exception {
        assertThat(run("stat", "-c", "%s", mnt.resolve("hello").toString())).isEqualTo("13\n");
        // The entry and inode are cached now (1 s timeouts): invalidating them succeeds...
        assertThat(session.notifyInvalEntry(1, "hello")).isIn(0, io.purefuse.wire.Errno.ENOENT);
        assertThat(session.notifyInvalInode(HelloFs.HELLO, 0, 0)).isIn(0, io.purefuse.wire.Errno.ENOENT);
        // ...and for an inode the kernel never saw the kernel answers ENOENT, not an error of ours.
        assertThat(session.notifyInvalInode(12345, 0, 0)).isEqualTo(io.purefuse.wire.Errno.ENOENT);
        assertThat(run("cat", mnt.resolve("hello").toString())).isEqualTo("hello, world\n");
    }

    @Test
    void concurrentReadersOnClonedChannels() throws Exception {
        java.util.List<java.util.concurrent.Future<byte[]>> reads = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 400; i++) {
                reads.add(pool.submit(() -> Files.readAllBytes(mnt.resolve("hello"))));
            }
            for (java.util.concurrent.Future<byte[]> f : reads) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(HelloFs.CONTENT);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * With cloned fds an INTERRUPT can be read on one fd while its target is still on its way
     * to the filesystem on another (here: held for 500 ms in the recorder, before registration).
     * An EAGAIN written on the wrong fd is lost and the SIGKILLed caller would hang for ever.
     */
    @Test
    void interruptThatOvertakesItsTargetOnAnotherFdIsNotLost() throws Exception {
        Path mnt2 = Files.createDirectory(tmp.resolve("mnt2"));
        java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(1);
        FrameRecorder slowLookup = new FrameRecorder() {
            @Override
            public void read(io.netty.buffer.ByteBuf f) {
                int i = f.readerIndex();
                boolean lookupOfSlow = f.getIntLE(i + 4) == io.purefuse.wire.Opcode.LOOKUP.code()
                        && f.readableBytes() >= 45 && f.getByte(i + 40) == 's';
                if (lookupOfSlow) {
                    seen.countDown();
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void written(io.netty.buffer.ByteBuf header, io.netty.buffer.ByteBuf data) {
            }

            @Override
            public void close() {
            }
        };
        try (FuseSession s2 = FuseSession.mount(mnt2, new HelloFs(),
                new SessionOptions().readerThreads(4).cloneFds(true).recorder(slowLookup))) {
            Process stat = new ProcessBuilder("stat", mnt2.resolve("slow").toString()).start();
            assertThat(seen.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(50);
            stat.destroyForcibly();
            assertThat(stat.waitFor(10, TimeUnit.SECONDS)).as("SIGKILLed stat exits").isTrue();
        } finally {
            if (isMounted(mnt2)) {
                new ProcessBuilder("fusermount3", "-u", "-z", mnt2.toString()).inheritIO().start().waitFor();
            }
        }
    }

    @Test
    void externalUnmountEndsTheSession() throws Exception {
        assertThat(run("fusermount3", "-u", mnt.toString())).isEmpty();
        assertThat(session.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(isMounted(mnt)).isFalse();
    }

    @Test
    void interruptedLookupAnswersEintrAndTheMountStaysHealthy() throws Exception {
        Process cat = new ProcessBuilder("stat", mnt.resolve("slow").toString()).start();
        assertThat(fs.slowReadStarted.await(10, TimeUnit.SECONDS)).isTrue();
        cat.destroyForcibly(); // SIGKILL: the kernel sends INTERRUPT for the pending READ
        assertThat(cat.waitFor(10, TimeUnit.SECONDS)).as("reader died").isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!fs.slowReadInterrupted && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(fs.slowReadInterrupted).as("filesystem saw the INTERRUPT").isTrue();
        assertThat(run("cat", mnt.resolve("hello").toString())).isEqualTo("hello, world\n");
    }
}
