package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.wire.InitFlags;
import io.purefuse.wire.Opcode;
import io.purefuse.wire.OpenFlags;
import io.purefuse.wire.init.InitOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * FUSE passthrough over the local UFS, on real mounts: the OPEN/CREATE replies as written to the
 * device, the requests that do (not) reach the filesystem, the bytes in the UFS, the backing
 * registrations and descriptors left after close.
 */
@Timeout(180)
class PassthroughTest {
    static final int BIG = 64 << 20;

    final Wire wire = new Wire();

    MountFixture mount(Consumer<VfsOptions> vfs, Consumer<Path> ufs) throws Exception {
        return MountFixture.start(vfs, m -> { }, ufs, s -> s.recorder(wire));
    }

    static void write(Path p, byte[] b) {
        try {
            Files.write(p, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(p)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Replies to opens of {@code name}'s inode, as written to the device. */
    List<Wire.OpenReply> opensOf(MountFixture f, String name) {
        long nodeid = f.fs.inodes().find(f.fs.inodes().get(1), name).nodeid();
        return wire.opens.stream().filter(o -> o.nodeid() == nodeid || o.opcode() == Opcode.CREATE).toList();
    }

    static void assertPassthrough(List<Wire.OpenReply> replies) {
        assertThat(replies).isNotEmpty().allSatisfy(o -> {
            assertThat(o.openFlags() & OpenFlags.FOPEN_PASSTHROUGH).as("FOPEN_PASSTHROUGH in %s", o).isNotZero();
            assertThat(o.openFlags() & (OpenFlags.FOPEN_KEEP_CACHE | OpenFlags.FOPEN_DIRECT_IO)).isZero();
            assertThat(o.backingId()).as("backing_id").isPositive();
        });
    }

    /** After close(2) RELEASE is asynchronous: wait for every handle and backing id to go. */
    static void awaitAllReleased(MountFixture f, Path ufsFile) throws Exception {
        for (int i = 0; i < 500 && (f.fs.openFileCount() > 0 || f.session.passthrough().openCount() > 0); i++) {
            Thread.sleep(10);
        }
        assertThat(f.fs.openFileCount()).as("open handles").isZero();
        assertThat(f.session.passthrough().openCount()).as("backing ids registered").isZero();
        assertThat(descriptorsOf(ufsFile)).as("descriptors of the UFS file in this process").isZero();
    }

    static long descriptorsOf(Path file) throws IOException {
        Path real = file.toRealPath();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    @Test
    void readsAreServedByTheKernelByteForByte() throws Exception {
        byte[] content = random(BIG, 64);
        try (MountFixture f = mount(o -> { }, u -> write(u.resolve("big"), content))) {
            assertThat(f.session.negotiated().has(InitFlags.PASSTHROUGH)).isTrue();
            assertThat(sha256(f.m("big"))).isEqualTo(sha256(f.u("big")));
            Random r = new Random(1);
            try (FileChannel c = FileChannel.open(f.m("big"), StandardOpenOption.READ);
                    FileChannel c2 = FileChannel.open(f.m("big"), StandardOpenOption.READ)) {
                assertThat(f.session.passthrough().openCount()).as("one registration per inode").isEqualTo(1);
                for (int i = 0; i < 2000; i++) {
                    int off = r.nextInt(BIG);
                    int len = Math.min(1 + r.nextInt(256 << 10), BIG - off);
                    ByteBuffer b = ByteBuffer.allocate(len);
                    FileChannel ch = (i & 1) == 0 ? c : c2;
                    while (b.hasRemaining() && ch.read(b, off + b.position()) > 0) {
                        // pread on
                    }
                    assertThat(b.array()).as("pread %d+%d", off, len)
                            .isEqualTo(Arrays.copyOfRange(content, off, off + len));
                }
            }
            assertThat(wire.count(Opcode.READ)).as("READ requests").isZero();
            assertPassthrough(opensOf(f, "big"));
            awaitAllReleased(f, f.u("big"));
        }
    }

    @Test
    void writableOpensWithRandomAccessWriteTheUfsFileDirectly() throws Exception {
        byte[] first = random(3 << 20, 3);
        try (MountFixture f = mount(o -> o.randomAccess(true), u -> { })) {
            byte[] expected = first.clone();
            try (FileChannel c = FileChannel.open(f.m("w"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)) {
                c.write(ByteBuffer.wrap(first), 0);
                assertThat(Files.size(f.m("w"))).as("size while open").isEqualTo(first.length);
                FileTime before = Files.getLastModifiedTime(f.m("w"));
                Thread.sleep(20);
                byte[] patch = random(5000, 4);
                c.write(ByteBuffer.wrap(patch), 1_000_000);
                System.arraycopy(patch, 0, expected, 1_000_000, patch.length);
                c.write(ByteBuffer.wrap(new byte[] {7}), first.length + 99); // extends the file
                expected = Arrays.copyOf(expected, first.length + 100);
                expected[first.length + 99] = 7;
                assertThat(Files.size(f.m("w"))).as("size after extending").isEqualTo(expected.length);
                assertThat(Files.getLastModifiedTime(f.m("w"))).as("mtime after a write").isGreaterThan(before);
                assertThat(Files.readAllBytes(f.u("w"))).as("UFS while open").isEqualTo(expected);
                c.truncate(2_000_000); // SETATTR with the fh: our random-access handle
                expected = Arrays.copyOf(expected, 2_000_000);
                assertThat(Files.size(f.m("w"))).isEqualTo(2_000_000);
            }
            assertThat(wire.count(Opcode.WRITE)).as("WRITE requests").isZero();
            assertThat(Files.readAllBytes(f.u("w"))).isEqualTo(expected);
            assertThat(Files.readAllBytes(f.m("w"))).isEqualTo(expected);
            try (RandomAccessFile raf = new RandomAccessFile(f.m("w").toFile(), "rw")) {
                raf.seek(10);
                raf.write("through".getBytes());
            }
            System.arraycopy("through".getBytes(), 0, expected, 10, 7);
            assertThat(Files.readAllBytes(f.u("w"))).isEqualTo(expected);
            assertThat(wire.count(Opcode.WRITE) + wire.count(Opcode.READ)).isZero();
            assertPassthrough(opensOf(f, "w"));
            awaitAllReleased(f, f.u("w"));
        }
    }

    @Test
    void sequentialOnlyWritesKeepTheirOwnPath() throws Exception {
        byte[] content = random(1 << 20, 5);
        try (MountFixture f = mount(o -> { }, u -> { })) {
            Files.write(f.m("s"), content);
            assertThat(wire.count(Opcode.WRITE)).isPositive();
            assertThat(wire.opens).filteredOn(o -> o.opcode() == Opcode.CREATE)
                    .allSatisfy(o -> assertThat(o.openFlags() & OpenFlags.FOPEN_PASSTHROUGH).isZero());
            awaitAllReleased(f, f.u("s"));
            wire.clear();
            assertThat(Files.readAllBytes(f.m("s"))).isEqualTo(content);
            assertThat(wire.count(Opcode.READ)).isZero();
            assertPassthrough(opensOf(f, "s"));
            awaitAllReleased(f, f.u("s")); // else the writer would join the reader's passthrough
            // A non-sequential write is still refused as without passthrough.
            try (FileChannel c = FileChannel.open(f.m("s"), StandardOpenOption.WRITE)) {
                c.write(ByteBuffer.wrap(new byte[] {1}), 10);
                c.force(false);
            } catch (IOException expected) {
                assertThat(expected.getMessage()).contains("not supported");
            }
            assertThat(Files.readAllBytes(f.u("s"))).isEqualTo(content);
        }
    }

    /**
     * The kernel refuses mixing passthrough and page-cached opens of one inode (EIO): a writer
     * arriving while a passthrough reader is open is answered with passthrough too, and a reader
     * arriving while our own sequential writer is open is served by us.
     */
    @Test
    void opensOfOneInodeNeverMixModes() throws Exception {
        byte[] old = random(100_000, 6);
        byte[] now = random(70_000, 7);
        try (MountFixture f = mount(o -> o.passthroughMinSize(0), u -> write(u.resolve("x"), old))) {
            try (FileChannel reader = FileChannel.open(f.m("x"), StandardOpenOption.READ)) {
                reader.read(ByteBuffer.allocate(10), 0);
                Files.write(f.m("x"), now); // O_WRONLY|O_TRUNC: forced onto the reader's backing file
                ByteBuffer b = ByteBuffer.allocate(now.length);
                reader.read(b, 0);
                assertThat(b.array()).isEqualTo(now);
            }
            assertThat(Files.readAllBytes(f.u("x"))).isEqualTo(now);
            assertThat(wire.count(Opcode.WRITE)).isZero();
            awaitAllReleased(f, f.u("x"));
            wire.clear();
            try (FileChannel writer = FileChannel.open(f.m("x"), StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.write(ByteBuffer.wrap(old));
                writer.force(false);
                assertThat(Files.readAllBytes(f.m("x"))).isEqualTo(old); // our own path: no EIO
                assertThat(wire.count(Opcode.READ)).isPositive();
            }
            assertThat(Files.readAllBytes(f.u("x"))).isEqualTo(old);
            awaitAllReleased(f, f.u("x"));
        }
    }

    static void assertOwnPath(List<Wire.OpenReply> replies) {
        assertThat(replies).isNotEmpty().allSatisfy(o ->
                assertThat(o.openFlags() & OpenFlags.FOPEN_PASSTHROUGH).as("FOPEN_PASSTHROUGH in %s", o).isZero());
    }

    /**
     * Read-only opens of files below {@link VfsOptions#passthroughMinSize} are served by us; from
     * that size up they pass through. A file that changes size across the limit while open keeps
     * the mode of its open handles (the kernel fails mixed opens with EIO).
     */
    @Test
    void smallFilesAreServedByTheMountAndSizeChangesNeverMixModes() throws Exception {
        int limit = 256 << 10;
        byte[] small = random(limit - 1, 11);
        byte[] big = random(limit, 12);
        try (MountFixture f = mount(o -> o.passthroughMinSize(limit).metadataCacheMaxSize(0), u -> {
            write(u.resolve("small"), small);
            write(u.resolve("big"), big);
            write(u.resolve("shrinks"), big);
            write(u.resolve("grows"), small);
        })) {
            assertThat(Files.readAllBytes(f.m("small"))).isEqualTo(small);
            assertThat(wire.count(Opcode.READ)).isPositive();
            assertOwnPath(opensOf(f, "small"));
            wire.clear();
            assertThat(Files.readAllBytes(f.m("big"))).isEqualTo(big);
            assertThat(wire.count(Opcode.READ)).isZero();
            assertPassthrough(opensOf(f, "big"));

            // Passed through while open: it stays so after the UFS file became small.
            try (FileChannel first = FileChannel.open(f.m("shrinks"), StandardOpenOption.READ)) {
                first.read(ByteBuffer.allocate(10), 0);
                write(f.u("shrinks"), small);
                try (FileChannel second = FileChannel.open(f.m("shrinks"), StandardOpenOption.READ)) {
                    ByteBuffer b = ByteBuffer.allocate(small.length);
                    while (b.hasRemaining() && second.read(b, b.position()) > 0) {
                        // the kernel reads the UFS file itself
                    }
                    assertThat(b.array()).isEqualTo(small);
                }
            }
            assertPassthrough(opensOf(f, "shrinks"));
            assertThat(opensOf(f, "shrinks")).hasSize(2);

            // Served by us while open: it stays so after the UFS file became big.
            try (FileChannel first = FileChannel.open(f.m("grows"), StandardOpenOption.READ)) {
                first.read(ByteBuffer.allocate(10), 0);
                write(f.u("grows"), big);
                try (FileChannel second = FileChannel.open(f.m("grows"), StandardOpenOption.READ)) {
                    ByteBuffer b = ByteBuffer.allocate(100);
                    second.read(b, 0);
                    assertThat(b.array()).isEqualTo(Arrays.copyOf(big, 100));
                }
            }
            assertOwnPath(opensOf(f, "grows"));
            assertThat(opensOf(f, "grows")).hasSize(2);
            awaitAllReleased(f, f.u("grows"));
            // Once every handle is gone the size decides again.
            Thread.sleep(1100); // attr_timeout: the kernel's cached size of "grows" is the old one until then
            wire.clear();
            assertThat(Files.readAllBytes(f.m("grows"))).isEqualTo(big);
            assertPassthrough(opensOf(f, "grows"));
            awaitAllReleased(f, f.u("big"));
        }
    }

    /** kernel_cache / auto_cache (FOPEN_KEEP_CACHE) and direct_io never reach a passthrough open. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"kernel_cache", "auto_cache", "direct_io"})
    void cacheOptionsDoNotApplyToPassthroughOpens(String option) throws Exception {
        byte[] content = random(1 << 20, 10);
        Consumer<VfsOptions> o = switch (option) {
            case "kernel_cache" -> v -> v.kernelCache(true);
            case "auto_cache" -> v -> v.autoCache(true);
            default -> v -> v.directIo(true);
        };
        try (MountFixture f = mount(o, u -> write(u.resolve("c"), content))) {
            for (int i = 0; i < 3; i++) {
                assertThat(Files.readAllBytes(f.m("c"))).isEqualTo(content);
            }
            assertThat(wire.count(Opcode.READ)).isZero();
            assertPassthrough(opensOf(f, "c"));
        }
    }

    @Test
    void thePropertyTurnsItOff() throws Exception {
        byte[] content = random(1 << 20, 8);
        try (MountFixture f = mount(o -> o.passthrough(false).randomAccess(true), u -> write(u.resolve("p"), content))) {
            assertThat(f.fs.wantsPassthrough()).isFalse();
            assertThat(f.session.negotiated().has(InitFlags.PASSTHROUGH)).isFalse();
            assertThat(Files.readAllBytes(f.m("p"))).isEqualTo(content);
            assertThat(wire.count(Opcode.READ)).isPositive();
            assertThat(wire.opens).allSatisfy(o -> assertThat(o.openFlags() & OpenFlags.FOPEN_PASSTHROUGH).isZero());
        }
    }

    @Test
    void theMountServesWhenTheKernelRefusesPassthrough() throws Exception {
        byte[] content = random(1 << 20, 9);
        // The kernel never combines passthrough with the writeback cache.
        try (MountFixture f = MountFixture.start(o -> o.randomAccess(true), m -> { }, u -> write(u.resolve("r"), content),
                s -> s.recorder(wire).init(new InitOptions().addFlags(InitFlags.WRITEBACK_CACHE)))) {
            assertThat(f.session.passthrough()).isNull();
            assertThat(Files.readAllBytes(f.m("r"))).isEqualTo(content);
            Files.write(f.m("r2"), content);
            assertThat(Files.readAllBytes(f.u("r2"))).isEqualTo(content);
            assertThat(wire.count(Opcode.READ)).isPositive();
            assertThat(wire.count(Opcode.WRITE)).isPositive();
        }
    }
}
