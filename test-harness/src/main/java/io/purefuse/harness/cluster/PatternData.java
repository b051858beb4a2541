package io.purefuse.harness.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic pseudo-random file contents (xorshift64* of a seed and the 8-byte word index),
 * generated as fast as memory bandwidth allows, so that gigabyte files can be written and checked
 * with SHA-256 while streaming, without holding them in memory.
 */
public final class PatternData {
    private PatternData() {}

    /** Fills {@code buf} (from position to limit; limit - position a multiple of 8) with the words at {@code offset}. */
    public static void fill(ByteBuffer buf, long seed, long offset) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long word = offset >>> 3;
        while (b.remaining() >= 8) {
            b.putLong(mix(seed, word++));
        }
        while (b.hasRemaining()) {
            b.put((byte) mix(seed, word++));
        }
        buf.position(buf.limit());
    }

    private static long mix(long seed, long i) {
        long x = seed ^ (i * 0x9E3779B97F4A7C15L);
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return x;
    }

    /**
     * Writes {@code length} bytes of pattern {@code seed} to {@code file} (created or truncated)
     * in {@code chunk}-byte writes and returns their SHA-256 (hex).
     */
    public static String write(Path file, long seed, long length, int chunk) throws IOException {
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long off = 0;
            while (off < length) {
                int n = (int) Math.min(chunk, length - off);
                buf.clear().limit(n);
                fill(buf, seed, off);
                buf.flip();
                sha.update(buf.duplicate());
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                off += n;
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** SHA-256 (hex) of pattern {@code seed} of {@code length} bytes, computed without a file. */
    public static String sha256Of(long seed, long length) {
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        for (long off = 0; off < length; ) {
            int n = (int) Math.min(buf.capacity(), length - off);
            buf.clear().limit(n);
            fill(buf, seed, off);
            buf.flip();
            sha.update(buf);
            off += n;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Bytes of pattern {@code seed} of {@code length} bytes (small files). */
    public static byte[] bytes(long seed, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        fill(b, seed, 0);
        return b.array();
    }

    /** SHA-256 (hex) of a file read with {@code chunk}-byte reads. */
    public static String sha256(Path file, int chunk) throws IOException {
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf.clear()) >= 0) {
                buf.flip();
                sha.update(buf);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** SHA-256 (hex) of a stream to its end. */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest sha = sha256();
        byte[] b = new byte[1 << 20];
        for (int n; (n = in.read(b)) >= 0; ) {
            sha.update(b, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
