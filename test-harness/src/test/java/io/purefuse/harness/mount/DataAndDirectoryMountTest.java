package io.purefuse.harness.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.purefuse.harness.fixture.Shell;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bulk data, concurrency, big directories and awkward names on a mounted MemFs. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DataAndDirectoryMountTest extends MountTestSupport {
    private static final int MIB = 1 << 20;

    /** Fills {@code f} with {@code size} pseudo-random bytes; returns their SHA-256. */
    private static String writeRandom(Path f, long size, long seed, int chunk) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] block = new byte[chunk];
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long done = 0;
            while (done < size) {
                int n = (int) Math.min(chunk, size - done);
                for (int i = 0; i < n; i += 8) {
                    long v = rnd.nextLong();
                    for (int j = 0; j < 8 && i + j < n; j++) {
                        block[i + j] = (byte) (v >>> (j * 8));
                    }
                }
                sha.update(block, 0, n);
                ByteBuffer bb = ByteBuffer.wrap(block, 0, n);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
                done += n;
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String sha256(Path f, int bufferSize) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocateDirect(bufferSize);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                sha.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / (double) MIB / (nanos / 1e9);
    }

    @Test
    void sixtyFourMebibytesWriteAndReadBackWithChecksum() throws Exception {
        long size = 64L * MIB;
        Path f = root.resolve("big");
        long t0 = System.nanoTime();
        String written = writeRandom(f, size, 42, MIB);
        long t1 = System.nanoTime();
        assertThat(Files.size(f)).isEqualTo(size);
        String read = sha256(f, MIB);
        long t2 = System.nanoTime();
        assertThat(read).isEqualTo(written);
        String tool = shOk("sha256sum big | cut -d' ' -f1");
        long t3 = System.nanoTime();
        assertThat(tool).isEqualTo(written);
        // dd: 64 MiB buffered write and O_DIRECT read
        Shell.Result ddw = sh("dd if=/dev/zero of=zero bs=1M count=64 conv=fsync 2>&1 | tail -1").check();
        Shell.Result ddr = sh("dd if=zero of=/dev/null bs=1M iflag=direct 2>&1 | tail -1").check();
        Shell.Result ddb = sh("dd if=big of=/dev/null bs=1M 2>&1 | tail -1").check();
        System.out.printf("64 MiB: java write %.0f MB/s, java read %.0f MB/s, sha256sum %.0f MB/s%n",
                mbPerSecond(size, t1 - t0), mbPerSecond(size, t2 - t1), mbPerSecond(size, t3 - t2));
        System.out.println("dd write (buffered, fsync): " + ddw.out());
        System.out.println("dd read (O_DIRECT): " + ddr.out());
        System.out.println("dd read (buffered): " + ddb.out());
        assertThat(fs.allocatedBytes()).isEqualTo(128L * MIB);
        // overwrite the middle and check the whole again
        shOk("printf XYZ | dd of=big bs=1 seek=33554431 conv=notrunc status=none");
        assertThat(shOk("dd if=big bs=1 skip=33554430 count=5 status=none | od -An -c | tr -s ' '").trim())
                .matches(". X Y Z .|.+ X Y Z .+");
        assertThat(Files.size(f)).isEqualTo(size);
    }

    @Test
    void concurrentReadersSeeTheSameBytes() throws Exception {
        Path f = root.resolve("shared");
        String expected = writeRandom(f, 16L * MIB + 12345, 7, 300_000);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> results = new ArrayList<>();
            int[] bufferSizes = {4096, 65536, 131072, MIB, 10_000, 3 * MIB};
            for (int size : bufferSizes) {
                results.add(pool.submit(() -> sha256(f, size)));
            }
            List<Process> procs = new ArrayList<>();
            List<Path> outs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path out = Files.createTempFile("sha", ".txt");
                outs.add(out);
                procs.add(new ProcessBuilder("sha256sum", f.toString()).redirectOutput(out.toFile()).start());
            }
            for (Future<String> r : results) {
                assertThat(r.get(120, TimeUnit.SECONDS)).isEqualTo(expected);
            }
            for (int i = 0; i < procs.size(); i++) {
                assertThat(procs.get(i).waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(Files.readString(outs.get(i))).startsWith(expected);
                Files.delete(outs.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tenThousandEntriesAreAllListed() throws Exception {
        Path d = Files.createDirectory(root.resolve("many"));
        String pad = "x".repeat(40);
        for (int i = 0; i < 10_000; i++) {
            Files.createFile(d.resolve(String.format("e%05d-%s", i, pad)));
        }
        long t0 = System.nanoTime();
        assertThat(shOk("ls many | wc -l")).isEqualTo("10000");
        long t1 = System.nanoTime();
        assertThat(shOk("ls -f many | wc -l")).isEqualTo("10002");
        assertThat(shOk("ls many | sort -u | wc -l")).isEqualTo("10000");
        // ls -l stats every entry (READDIRPLUS supplies the attributes)
        assertThat(shOk("ls -l many | grep -c '^-'")).isEqualTo("10000");
        try (var s = Files.list(d)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
            assertThat(names).hasSize(10_000);
            assertThat(names.get(0)).isEqualTo("e00000-" + pad);
            assertThat(names.get(9_999)).isEqualTo("e09999-" + pad);
        }
        System.out.printf("ls of 10000 entries: %d ms%n", (t1 - t0) / 1_000_000);
        // removing entries during a listing: every entry not removed is seen exactly once
        String script = String.join("\n",
                "import os",
                "d = b'many'",
                "seen = []",
                "with os.scandir(d) as it:",
                "    for i, e in enumerate(it):",
                "        seen.append(e.name)",
                "        if i == 100:",
                "            for j in range(5000, 10000, 2):",
                "                os.unlink(os.path.join(d, b'e%05d-' % j + b'" + pad + "'))",
                "print(len(seen), len(set(seen)))",
                "print(len(os.listdir(d)))");
        assumeTrue(hasPython(), "python3 needed for the listing-while-deleting part");
        String[] out = py(script).check().out().split("\n");
        String[] first = out[0].split(" ");
        assertThat(first[0]).isEqualTo(first[1]); // no duplicates
        assertThat(Integer.parseInt(first[0])).isBetween(7500, 10000);
        assertThat(out[1]).isEqualTo("7500");
    }

    @Test
    void awkwardNames() {
        assumeTrue(hasPython(), "python3 needed for byte-exact names");
        String code = String.join("\n",
                "names = [b'with space', b' lead and trail ', b'what?', b'back\\\\slash', b'star*', b'quote\"\\'',",
                "         'ünïcödé-日本語-🎉'.encode(), b'a' * 255, ('€' * 85).encode(), b'-dash', b'tab\\there',",
                "         b'new\\nline']",
                "for n in names:",
                "    with open(n, 'wb') as f: f.write(n)",
                "got = sorted(os.listdir(b'.'))",
                "print(got == sorted(names))",
                "print(all(open(n, 'rb').read() == n for n in names))",
                "print(len(('€' * 85).encode()))",
                "for bad in (b'b' * 256, ('€' * 86).encode()):",
                "    try:",
                "        open(bad, 'wb'); print('created')",
                "    except OSError as e:",
                "        print(errno.errorcode[e.errno])",
                "os.mkdir('dir ?\\\\ ü'.encode())",
                "os.rename(b'with space', 'dir ?\\\\ ü/renamed ✓'.encode())",
                "print(os.listdir('dir ?\\\\ ü'))");
        assertThat(py(code).check().out()).isEqualTo(String.join("\n",
                "True", "True", "255", "ENAMETOOLONG", "ENAMETOOLONG", "['renamed ✓']"));
        assertThat(shOk("ls -1 --quoting-style=literal | grep -c 'a\\{255\\}'")).isEqualTo("1");
        assertThat(shOk("cat 'what?'")).isEqualTo("what?");
    }

    @Test
    void sparseWritesAndSeekData() throws Exception {
        assumeTrue(hasPython(), "python3 needed for SEEK_DATA");
        String code = String.join("\n",
                "fd = os.open('s', os.O_CREAT | os.O_RDWR)",
                "os.pwrite(fd, b'x', 10 * 1048576)",
                "print(os.fstat(fd).st_size)",
                "print(os.lseek(fd, 0, os.SEEK_DATA))",
                "print(os.lseek(fd, 0, os.SEEK_HOLE))",
                "print(os.lseek(fd, 10 * 1048576, os.SEEK_HOLE))",
                "print(os.pread(fd, 4, 10 * 1048576 - 3))",
                "os.close(fd)");
        assertThat(py(code).check().out()).isEqualTo(String.join("\n",
                "10485761", "10485760", "0", "10485761", "b'\\x00\\x00\\x00x'"));
    }
}
