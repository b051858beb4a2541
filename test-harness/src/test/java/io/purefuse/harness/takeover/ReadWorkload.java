package io.purefuse.harness.takeover;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applications on a mount under takeover: readers that stream files and verify their SHA-256
 * (half with O_DIRECT, so every read is a FUSE READ whatever the page cache holds), and an
 * {@code ls -lR} loop. Every error is recorded; the longest single read and the longest
 * {@code ls -lR} are the stall an application saw.
 */
final class ReadWorkload implements AutoCloseable {
    final List<Path> files = new ArrayList<>();
    final List<byte[]> digests = new ArrayList<>();
    final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    final AtomicLong passes = new AtomicLong();
    final AtomicLong lsRuns = new AtomicLong();
    final AtomicLong maxReadNanos = new AtomicLong();
    final AtomicLong maxLsNanos = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stop;

    /** Writes {@code count} files of {@code size} random bytes and a small tree to list. */
    static ReadWorkload create(Path root, int count, int size) throws Exception {
        ReadWorkload w = new ReadWorkload();
        Path data = Files.createDirectories(root.resolve("data"));
        Random rnd = new Random(42);
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[size];
            rnd.nextBytes(b);
            Path f = data.resolve("f" + i);
            Files.write(f, b);
            w.files.add(f);
            w.digests.add(MessageDigest.getInstance("SHA-256").digest(b));
        }
        for (int d = 0; d < 4; d++) {
            Path dir = Files.createDirectories(root.resolve("tree/d" + d + "/sub"));
            for (int j = 0; j < 20; j++) {
                Files.writeString(dir.resolve("file" + j), "content " + d + "/" + j + "\n", StandardCharsets.UTF_8);
            }
        }
        return w;
    }

    void start(Path root, int readers) {
        for (int r = 0; r < readers; r++) {
            int id = r;
            threads.add(thread("reader-" + r, () -> readLoop(id, id % 2 == 0)));
        }
        threads.add(thread("ls-lR", () -> lsLoop(root)));
    }

    private Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void readLoop(int id, boolean direct) {
        ByteBuffer raw = ByteBuffer.allocateDirect(256 * 1024 + 4096);
        ByteBuffer buf = raw.alignedSlice(4096);
        buf.limit(128 * 1024);
        int i = id;
        while (!stop) {
            int n = i++ % files.size();
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                FileChannel ch = direct
                        ? FileChannel.open(files.get(n), StandardOpenOption.READ, ExtendedOpenOption.DIRECT)
                        : FileChannel.open(files.get(n), StandardOpenOption.READ);
                try (ch) {
                    while (true) {
                        buf.clear().limit(128 * 1024);
                        long t0 = System.nanoTime();
                        int r = ch.read(buf);
                        maxReadNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                        if (r <= 0) {
                            break;
                        }
                        buf.flip();
                        md.update(buf);
                    }
                }
                if (!Arrays.equals(md.digest(), digests.get(n))) {
                    errors.add("checksum mismatch on " + files.get(n) + (direct ? " (O_DIRECT)" : ""));
                }
                passes.incrementAndGet();
            } catch (Exception e) {
                errors.add(Thread.currentThread().getName() + ": " + e);
            }
        }
    }

    private void lsLoop(Path root) {
        while (!stop) {
            try {
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder("ls", "-lR", root.toString()).redirectErrorStream(true).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    errors.add("ls -lR hung");
                    continue;
                }
                maxLsNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                String text = new String(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0 || text.contains("ls: ")) {
                    errors.add("ls -lR failed (exit " + p.exitValue() + "): "
                            + text.lines().filter(l -> l.startsWith("ls:")).findFirst().orElse(""));
                }
                if (!text.contains("file19")) {
                    errors.add("ls -lR output incomplete");
                }
                lsRuns.incrementAndGet();
            } catch (IOException e) {
                errors.add("ls -lR: " + e);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        for (Thread t : threads) {
            t.join(60_000);
        }
    }

    String summary() {
        return String.format("%d verified file reads, %d ls -lR runs, longest read %.0f ms, longest ls -lR %.0f ms",
                passes.get(), lsRuns.get(), maxReadNanos.get() / 1e6, maxLsNanos.get() / 1e6);
    }
}
