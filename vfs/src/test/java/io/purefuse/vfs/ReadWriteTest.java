package io.purefuse.vfs;

import static io.purefuse.vfs.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reads and writes through a real mount, with and without random access. */
@Timeout(180)
class ReadWriteTest {
    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void sequentialRandomAndConcurrentReads() throws Exception {
        byte[] data = random(8 * 1024 * 1024 + 123, 7);
        try (MountFixture f = MountFixture.start(o -> { }, m -> { }, u -> write(u.resolve("big.bin"), data))) {
            Path p = f.m("big.bin");
            assertThat(Files.size(p)).isEqualTo(data.length);
            // sequential
            assertThat(Files.readAllBytes(p)).isEqualTo(data);
            // random positional reads, including ones crossing EOF and past it
            Random r = new Random(3);
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                for (int i = 0; i < 200; i++) {
                    long off = (long) (r.nextDouble() * (data.length + 5000));
                    int len = 1 + r.nextInt(300_000);
                    ByteBuffer buf = ByteBuffer.allocate(len);
                    int n = ch.read(buf, off);
                    int expected = (int) Math.max(0, Math.min(len, data.length - off));
                    if (expected == 0) {
                        assertThat(n).as("read at %d past EOF", off).isEqualTo(-1);
                    } else {
                        // a positional read may be short; it must never return bytes beyond EOF
                        assertThat(n).isBetween(1, expected);
                        assertThat(Arrays.copyOfRange(buf.array(), 0, n))
                                .isEqualTo(Arrays.copyOfRange(data, (int) off, (int) off + n));
                    }
                }
                // exactly at EOF and far past it
                assertThat(ch.read(ByteBuffer.allocate(10), data.length)).isEqualTo(-1);
                assertThat(ch.read(ByteBuffer.allocate(10), 1L << 40)).isEqualTo(-1);
            }
            // concurrent reads: one shared handle and one handle per thread, O_DIRECT-free
            ExecutorService ex = Executors.newFixedThreadPool(8);
            try (FileChannel shared = FileChannel.open(p, StandardOpenOption.READ)) {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    final int id = t;
                    fs.add(ex.submit(() -> {
                        Random rr = new Random(id);
                        try (FileChannel own = FileChannel.open(p, StandardOpenOption.READ)) {
                            for (int i = 0; i < 100; i++) {
                                FileChannel ch = (i % 2 == 0) ? shared : own;
                                int off = rr.nextInt(data.length);
                                int len = Math.min(1 + rr.nextInt(200_000), data.length - off);
                                ByteBuffer buf = ByteBuffer.allocate(len);
                                while (buf.hasRemaining()) {
                                    int n = ch.read(buf, off + buf.position());
                                    if (n < 0) {
                                        break;
                                    }
                                }
                                assertThat(buf.array()).isEqualTo(Arrays.copyOfRange(data, off, off + len));
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> fu : fs) {
                    fu.get();
                }
            } finally {
                ex.shutdownNow();
            }
            // dd with O_DIRECT (1 MiB READs)
            Sh.Result dd = Sh.run("dd", "if=" + p, "of=/dev/null", "bs=1M", "iflag=direct");
            assertThat(dd.ok()).as(dd.toString()).isTrue();
        }
    }

    @Test
    void sequentialWriteLandsByteForByteAndGetattrShowsProgress() throws Exception {
        byte[] data = random(5 * 1024 * 1024 + 77, 11);
        try (MountFixture f = MountFixture.start()) {
            Path p = f.m("out.bin");
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(data, 0, 1_000_000));
                // fstat and stat of a file being written report what was written so far
                assertThat(ch.size()).isEqualTo(1_000_000);
                assertThat(Files.size(p)).isEqualTo(1_000_000);
                ch.write(ByteBuffer.wrap(data, 1_000_000, data.length - 1_000_000));
            }
            // complete in the UFS right after close
            assertThat(Files.readAllBytes(f.u("out.bin"))).isEqualTo(data);
            assertThat(Files.readAllBytes(p)).isEqualTo(data);
            // overwrite with O_TRUNC (cp over an existing file, shell >)
            byte[] small = random(1000, 12);
            Files.write(p, small);
            assertThat(Files.readAllBytes(f.u("out.bin"))).isEqualTo(small);
            Sh.Result sh = Sh.sh("echo hello > " + f.m("echo.txt") + " && (echo a; echo b) > " + f.m("two.txt")
                    + " && cat " + f.m("echo.txt") + " " + f.m("two.txt"));
            assertThat(sh.out()).as(sh.toString()).isEqualTo("hello\na\nb\n");
            // O_DIRECT parallel writes (async DIO reaches us out of order)
            Sh.Result dd = Sh.run("dd", "if=" + f.u("out.bin"), "of=" + f.m("direct.bin"), "bs=4M", "oflag=direct");
            assertThat(dd.ok()).as(dd.toString()).isTrue();
            Sh.Result dd2 = Sh.run("dd", "if=" + f.base.resolve("ufs/out.bin"), "of=" + f.m("direct.bin"),
                    "bs=4M", "oflag=direct", "conv=notrunc");
            assertThat(Files.readAllBytes(f.u("direct.bin"))).isEqualTo(small);
            assertThat(dd2.exit()).isNotZero(); // overwrite without truncation: EOPNOTSUPP
        }
    }

    @Test
    void nonSequentialWritesAreRefusedByDefault() throws Exception {
        try (MountFixture f = MountFixture.start()) {
            Files.write(f.u("existing"), "0123456789".getBytes());
            Path p = f.m("existing");
            // append
            assertErrno("EOPNOTSUPP", () -> Files.write(p, "x".getBytes(), StandardOpenOption.APPEND));
            // overwrite in place
            assertErrno("EOPNOTSUPP", () -> {
                try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
                    raf.write('A');
                }
            });
            // truncate to a non-zero size
            assertErrno("EOPNOTSUPP", () -> {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.truncate(3);
                }
            });
            assertThat(Files.readString(f.u("existing"))).isEqualTo("0123456789");
            // a seek-forward write in a new file
            Path q = f.m("holes");
            assertErrno("EOPNOTSUPP", () -> {
                try (FileChannel ch = FileChannel.open(q, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap("abc".getBytes()), 0);
                    ch.write(ByteBuffer.wrap("xyz".getBytes()), 100);
                }
            });
            assertThat(Files.readString(f.u("holes"))).isEqualTo("abc");
            // truncate to 0 is allowed (it is what O_TRUNC does)
            new RandomAccessFile(p.toFile(), "rw").getChannel().truncate(0).close();
            assertThat(Files.size(f.u("existing"))).isZero();
        }
    }

    @Test
    void randomAccessWritesWhenEnabled() throws Exception {
        try (MountFixture f = MountFixture.start(o -> o.randomAccess(true))) {
            Files.write(f.u("existing"), "0123456789".getBytes());
            Path p = f.m("existing");
            Files.write(p, "ab".getBytes(), StandardOpenOption.APPEND);
            assertThat(Files.readString(f.u("existing"))).isEqualTo("0123456789ab");
            try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
                raf.seek(2);
                raf.write("XY".getBytes());
                raf.seek(20);
                raf.write('Z');
                raf.seek(0);
                byte[] back = new byte[21];
                raf.readFully(back);
                assertThat(new String(back, 0, 12)).isEqualTo("01XY456789ab");
                assertThat(back[20]).isEqualTo((byte) 'Z');
            }
            byte[] expected = new byte[21];
            System.arraycopy("01XY456789ab".getBytes(), 0, expected, 0, 12);
            expected[20] = 'Z';
            assertThat(Files.readAllBytes(f.u("existing"))).isEqualTo(expected);
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(4);
            }
            assertThat(Files.readString(f.u("existing"))).isEqualTo("01XY");
            Sh.Result tr = Sh.run("truncate", "-s", "10", p.toString());
            assertThat(tr.ok()).as(tr.toString()).isTrue();
            assertThat(Files.size(p)).isEqualTo(10);
            assertThat(Files.readAllBytes(f.u("existing"))).isEqualTo(Arrays.copyOf("01XY".getBytes(), 10));
            // a new file written backwards
            Path q = f.m("backwards");
            try (FileChannel ch = FileChannel.open(q, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)) {
                ch.write(ByteBuffer.wrap("world".getBytes()), 6);
                ch.write(ByteBuffer.wrap("hello ".getBytes()), 0);
                ByteBuffer b = ByteBuffer.allocate(11);
                ch.read(b, 0);
                assertThat(new String(b.array())).isEqualTo("hello world");
            }
            assertThat(Files.readString(f.u("backwards"))).isEqualTo("hello world");
            // O_TRUNC open of an existing file
            Files.write(p, "new".getBytes());
            assertThat(Files.readString(f.u("existing"))).isEqualTo("new");
        }
    }

    @Test
    void secondWriterIsRefusedWithEbusy() throws Exception {
        try (MountFixture f = MountFixture.start()) {
            Path p = f.m("w");
            try (FileChannel a = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                a.write(ByteBuffer.wrap("first".getBytes()));
                assertErrno("EBUSY", () -> FileChannel.open(p, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING).close());
                a.write(ByteBuffer.wrap(" writer".getBytes()));
                // readers are fine meanwhile
                assertThat(Files.readString(p)).isEqualTo("first writer");
            }
            assertThat(Files.readString(f.u("w"))).isEqualTo("first writer");
            // right after close (RELEASE is asynchronous) a new writer gets in
            Files.writeString(p, "second");
            assertThat(Files.readString(f.u("w"))).isEqualTo("second");
        }
    }

    @Test
    void concurrentWritersWithRandomAccessDoNotTear() throws Exception {
        try (MountFixture f = MountFixture.start(o -> o.randomAccess(true))) {
            Path p = f.m("shared");
            int block = 64 * 1024;
            int blocks = 64;
            try (FileChannel a = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    FileChannel b = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ExecutorService ex = Executors.newFixedThreadPool(2);
                try {
                    Future<?> fa = ex.submit(() -> writeBlocks(a, block, blocks, 0, (byte) 'a'));
                    Future<?> fb = ex.submit(() -> writeBlocks(b, block, blocks, 1, (byte) 'b'));
                    fa.get();
                    fb.get();
                } finally {
                    ex.shutdownNow();
                }
            }
            byte[] all = Files.readAllBytes(f.u("shared"));
            assertThat(all.length).isEqualTo(block * blocks);
            for (int i = 0; i < blocks; i++) {
                byte want = (byte) (i % 2 == 0 ? 'a' : 'b');
                for (int j = 0; j < block; j++) {
                    assertThat(all[i * block + j]).as("byte %d of block %d", j, i).isEqualTo(want);
                }
            }
        }
    }

    private static Object writeBlocks(FileChannel ch, int block, int blocks, int parity, byte value) throws Exception {
        byte[] b = new byte[block];
        Arrays.fill(b, value);
        for (int i = parity; i < blocks; i += 2) {
            ch.write(ByteBuffer.wrap(b), (long) i * block);
        }
        return null;
    }

    static void write(Path p, byte[] data) {
        try {
            Files.write(p, data);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
