package io.purefuse.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.purefuse.wire.InitFlags;
import io.purefuse.wire.Opcode;
import io.purefuse.wire.OpenFlags;
import io.purefuse.wire.init.InitOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** FUSE passthrough on real mounts: OPEN replies that name a backing file, and what the kernel does with them. */
@Timeout(60)
class PassthroughMountTest {
    @TempDir
    Path tmp;
    Path mnt;
    Path backing;
    byte[] content;
    BackedFs fs;
    FuseSession session;
    final OpenReplies replies = new OpenReplies();

    /** The OPEN replies as written to the device: {unique, open_flags, backing_id}. */
    static final class OpenReplies implements FrameRecorder {
        final Map<Long, Opcode> pending = new ConcurrentHashMap<>();
        final List<int[]> opens = new CopyOnWriteArrayList<>();

        @Override
        public void read(ByteBuf f) {
            int i = f.readerIndex();
            Opcode op = Opcode.of(f.getIntLE(i + 4));
            if (op == Opcode.OPEN || op == Opcode.CREATE) {
                pending.put(f.getLongLE(i + 8), op);
            }
        }

        @Override
        public void written(ByteBuf h, ByteBuf data) {
            int i = h.readerIndex();
            Opcode op = pending.remove(h.getLongLE(i + 8));
            if (op == null || h.getIntLE(i + 4) != 0) {
                return;
            }
            int body = i + 16 + (op == Opcode.CREATE ? 128 : 0);
            opens.add(new int[] {h.getIntLE(body + 8), h.getIntLE(body + 12)});
        }

        @Override
        public void close() {
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        mnt = Files.createDirectory(tmp.resolve("mnt"));
        backing = tmp.resolve("backing");
        content = new byte[4 << 20];
        new Random(7).nextBytes(content);
        Files.write(backing, content);
        fs = new BackedFs(backing);
    }

    void mount(SessionOptions o) throws IOException {
        session = FuseSession.mount(mnt, fs, o.readerThreads(3).recorder(replies));
    }

    void mount() throws IOException {
        mount(new SessionOptions().passthrough(true));
    }

    @AfterEach
    void unmount() throws Exception {
        if (session != null) {
            session.close();
        }
        if (FuseSessionMountTest.isMounted(mnt)) {
            new ProcessBuilder("fusermount3", "-u", "-z", mnt.toString()).inheritIO().start().waitFor();
        }
    }

    Passthrough registry() {
        return session.passthrough();
    }

    /** RELEASE is asynchronous after close(2). */
    void awaitNoBackingIds() throws InterruptedException {
        for (int i = 0; i < 500 && registry().openCount() > 0; i++) {
            Thread.sleep(10);
        }
        assertThat(registry().openCount()).as("backing ids still registered").isZero();
    }

    @Test
    void openReplyNamesTheBackingFileAndReadsNeverReachTheServer() throws Exception {
        mount();
        assertThat(session.negotiated().has(InitFlags.PASSTHROUGH)).isTrue();
        assertThat(session.negotiated().maxStackDepth()).isEqualTo(1);
        assertThat(Files.readAllBytes(mnt.resolve("f"))).isEqualTo(content);
        assertThat(fs.reads.get()).as("READ requests").isZero();
        assertThat(replies.opens).isNotEmpty();
        for (int[] o : replies.opens) {
            assertThat(o[0] & OpenFlags.FOPEN_PASSTHROUGH).as("open_flags").isNotZero();
            assertThat(o[1]).as("backing_id").isPositive();
        }
        awaitNoBackingIds();
    }

    @Test
    void writesGoStraightToTheBackingFile() throws Exception {
        mount();
        try (FileChannel c = FileChannel.open(mnt.resolve("f"), StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.wrap("passthrough".getBytes()), 1000);
        }
        assertThat(fs.writes.get()).as("WRITE requests").isZero();
        byte[] now = Files.readAllBytes(backing);
        assertThat(new String(now, 1000, 11)).isEqualTo("passthrough");
        awaitNoBackingIds();
    }

    /**
     * The kernel's open file keeps its own reference to the backing file: once open(2) has
     * returned, the id can be closed and the open file still reads correctly.
     */
    @Test
    void closingTheIdAfterTheOpenCompletedKeepsTheFileWorking() throws Exception {
        fs.policy = BackedFs.IdPolicy.MANUAL;
        mount();
        try (FileChannel c = FileChannel.open(mnt.resolve("f"), StandardOpenOption.READ)) {
            assertThat(registry().openCount()).isEqualTo(1);
            fs.closeIds();
            assertThat(registry().openCount()).isZero();
            ByteBuffer b = ByteBuffer.allocate(content.length);
            while (b.hasRemaining() && c.read(b, b.position()) > 0) {
                // read on
            }
            assertThat(b.array()).isEqualTo(content);
        }
        assertThat(fs.reads.get()).isZero();
        assertThat(fs.passthroughOpens.get()).isEqualTo(fs.opens.get());
    }

    /**
     * But closing it right after writing the OPEN reply races with the opener: the kernel looks
     * the id up in the opening process after the reply was written, so some opens fail with EIO
     * (the count is printed; every open that succeeds must read right).
     */
    @Test
    void closingTheIdRightAfterTheReplyRacesWithTheOpener() throws Exception {
        fs.policy = BackedFs.IdPolicy.CLOSE_AFTER_REPLY;
        mount();
        int failed = 0;
        int rounds = 200;
        for (int i = 0; i < rounds; i++) {
            try (FileChannel c = FileChannel.open(mnt.resolve("f"), StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(4096);
                c.read(b, 4096L * i);
                assertThat(b.array()).isEqualTo(java.util.Arrays.copyOfRange(content, 4096 * i, 4096 * (i + 1)));
            } catch (IOException e) {
                assertThat(e.getMessage()).contains("Input/output error");
                failed++;
            }
        }
        System.out.printf("closing the backing id right after the OPEN reply: %d of %d opens failed with EIO%n",
                failed, rounds);
        assertThat(fs.reads.get()).isZero();
    }

    /**
     * While one open file of an inode uses a backing file, another open of the same inode must
     * name the same registration: a second, different registration of the same file makes the
     * second open(2) fail with EIO on this kernel (the check compares the registrations, not the
     * backing inode). Hence one shared id per inode, closed at the last RELEASE.
     */
    @Test
    void concurrentOpensOfOneInodeMustShareTheBackingId() throws Exception {
        fs.policy = BackedFs.IdPolicy.PER_OPEN;
        mount();
        try (FileChannel first = FileChannel.open(mnt.resolve("f"), StandardOpenOption.READ)) {
            first.read(ByteBuffer.allocate(10), 0);
            IOException second = null;
            try (FileChannel c = FileChannel.open(mnt.resolve("f"), StandardOpenOption.READ)) {
                c.read(ByteBuffer.allocate(10), 0);
            } catch (IOException e) {
                second = e;
            }
            assertThat(second).as("second open with a different id").isNotNull();
            assertThat(second.getMessage()).contains("Input/output error");
        }
        awaitNoBackingIds(); // RELEASE of the first phase's opens is asynchronous
        fs.policy = BackedFs.IdPolicy.SHARED;
        try (FileChannel a = FileChannel.open(mnt.resolve("f"), StandardOpenOption.READ);
                FileChannel b = FileChannel.open(mnt.resolve("f"), StandardOpenOption.READ)) {
            ByteBuffer x = ByteBuffer.allocate(100);
            ByteBuffer y = ByteBuffer.allocate(100);
            a.read(x, 5000);
            b.read(y, 5000);
            assertThat(x.array()).isEqualTo(y.array()).isEqualTo(java.util.Arrays.copyOfRange(content, 5000, 5100));
            assertThat(registry().openCount()).isEqualTo(1);
        }
        assertThat(fs.reads.get()).isZero();
        awaitNoBackingIds();
    }

    /** The kernel never mixes passthrough and page-cached opens of one inode: either second open fails with EIO. */
    @Test
    void theKernelRefusesMixedOpensOfOneInode() throws Exception {
        mount();
        try (FileChannel a = FileChannel.open(mnt.resolve("f"), StandardOpenOption.READ)) {
            a.read(ByteBuffer.allocate(10), 0);
            fs.offer = false;
            assertThat(openFails()).as("own-path open while a passthrough open exists").isTrue();
        }
        awaitNoBackingIds();
        try (FileChannel a = FileChannel.open(mnt.resolve("f"), StandardOpenOption.READ)) {
            a.read(ByteBuffer.allocate(10), 0);
            fs.offer = true;
            assertThat(openFails()).as("passthrough open while a page-cached open exists").isTrue();
        }
        fs.offer = true;
        for (int i = 0; i < 500 && openFails(); i++) {
            Thread.sleep(10); // RELEASE of the failed opens is asynchronous
        }
        assertThat(openFails()).as("alone again, passthrough works").isFalse();
    }

    private boolean openFails() {
        try (FileChannel c = FileChannel.open(mnt.resolve("f"), StandardOpenOption.READ)) {
            c.read(ByteBuffer.allocate(10), 0);
            return false;
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("Input/output error");
            return true;
        }
    }

    @Test
    void aRefusedRegistrationFallsBackToTheServer() throws Exception {
        mount();
        fs.fakeFd = 0; // stdin: not a regular file, the kernel refuses it (EINVAL)
        assertThat(Files.readAllBytes(mnt.resolve("f"))).isEqualTo(content);
        assertThat(fs.reads.get()).isPositive();
        assertThat(fs.passthroughOpens.get()).isZero();
        assertThat(session.passthrough().isAvailable()).as("a per-file refusal keeps passthrough on").isTrue();
    }

    @Test
    void notAskedForMeansNotNegotiated() throws Exception {
        mount(new SessionOptions());
        assertThat(session.negotiated().has(InitFlags.PASSTHROUGH)).isFalse();
        assertThat(session.passthrough()).isNull();
        assertThat(Files.readAllBytes(mnt.resolve("f"))).isEqualTo(content);
        assertThat(fs.reads.get()).isPositive();
        assertThat(replies.opens).allSatisfy(o -> assertThat(o[0] & OpenFlags.FOPEN_PASSTHROUGH).isZero());
    }

    @Test
    void theKernelDisablesItWithWritebackCacheAndTheServerServes() throws Exception {
        mount(new SessionOptions().passthrough(true)
                .init(new InitOptions().addFlags(InitFlags.WRITEBACK_CACHE)));
        assertThat(session.passthrough()).isNull();
        assertThat(Files.readAllBytes(mnt.resolve("f"))).isEqualTo(content);
        assertThat(fs.reads.get()).isPositive();
    }

    /**
     * A registration the kernel refuses for the whole connection (EPERM: passthrough not
     * negotiated here, as without CAP_SYS_ADMIN) turns passthrough off for the session; the
     * next register() does not even ask.
     */
    @Test
    void aSessionWideRefusalTurnsPassthroughOff() throws Exception {
        mount(new SessionOptions());
        Passthrough p = new Passthrough(session.primaryChannel());
        int fd = io.purefuse.mount.Native.libc().open(backing.toString(), io.purefuse.mount.LibC.O_RDONLY, 0);
        try {
            assertThat(session.primaryChannel().backingOpen(fd)).as("the kernel's answer")
                    .isEqualTo(-io.purefuse.wire.Errno.EPERM);
            assertThat(p.register(fd)).isNull();
            assertThat(p.isAvailable()).isFalse();
            assertThat(p.register(fd)).isNull();
            assertThat(p.openCount()).isZero();
        } finally {
            io.purefuse.mount.Native.libc().close(fd);
        }
    }
}
