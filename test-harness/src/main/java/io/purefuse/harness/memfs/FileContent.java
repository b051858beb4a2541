package io.purefuse.harness.memfs;

import io.netty.buffer.ByteBuf;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes of a regular file: fixed-size chunks keyed by chunk index, so that sparse files
 * (holes, {@code truncate -s 1T}) cost nothing. A missing chunk reads as zeros. Not thread safe:
 * {@link MemFs} guards it with its lock.
 *
 * <p>Chunks may exist beyond {@link #size()} (fallocate with KEEP_SIZE); the bytes there are
 * always zero, which every operation that shrinks the file maintains.
 */
final class FileContent {
    static final int CHUNK_SHIFT = 16;
    static final int CHUNK_SIZE = 1 << CHUNK_SHIFT; // 64 KiB
    private static final int CHUNK_MASK = CHUNK_SIZE - 1;

    private final TreeMap<Long, byte[]> chunks = new TreeMap<>();
    private long size;

    long size() {
        return size;
    }

    /** Chunks allocated (for st_blocks and statfs). */
    int chunkCount() {
        return chunks.size();
    }

    long allocatedBytes() {
        return (long) chunks.size() * CHUNK_SIZE;
    }

    /**
     * Copies up to {@code length} bytes from {@code offset} into {@code dst} (holes as zeros).
     *
     * @return the number of bytes copied (0 at or after the end)
     */
    int read(long offset, int length, ByteBuf dst) {
        if (offset >= size || length <= 0) {
            return 0;
        }
        int n = (int) Math.min(length, size - offset);
        int done = 0;
        while (done < n) {
            long pos = offset + done;
            long index = pos >>> CHUNK_SHIFT;
            int in = (int) (pos & CHUNK_MASK);
            int len = Math.min(n - done, CHUNK_SIZE - in);
            byte[] chunk = chunks.get(index);
            if (chunk == null) {
                dst.writeZero(len);
            } else {
                dst.writeBytes(chunk, in, len);
            }
            done += len;
        }
        return n;
    }

    /** Reads into a byte array (copy_file_range, tests). */
    int read(long offset, byte[] dst, int dstOffset, int length) {
        if (offset >= size || length <= 0) {
            return 0;
        }
        int n = (int) Math.min(length, size - offset);
        int done = 0;
        while (done < n) {
            long pos = offset + done;
            int in = (int) (pos & CHUNK_MASK);
            int len = Math.min(n - done, CHUNK_SIZE - in);
            byte[] chunk = chunks.get(pos >>> CHUNK_SHIFT);
            if (chunk == null) {
                java.util.Arrays.fill(dst, dstOffset + done, dstOffset + done + len, (byte) 0);
            } else {
                System.arraycopy(chunk, in, dst, dstOffset + done, len);
            }
            done += len;
        }
        return n;
    }

    /** Writes the readable bytes of {@code src} (indexes untouched) at {@code offset}; extends the size. */
    void write(long offset, ByteBuf src) {
        int n = src.readableBytes();
        int from = src.readerIndex();
        int done = 0;
        while (done < n) {
            long pos = offset + done;
            int in = (int) (pos & CHUNK_MASK);
            int len = Math.min(n - done, CHUNK_SIZE - in);
            src.getBytes(from + done, chunk(pos >>> CHUNK_SHIFT), in, len);
            done += len;
        }
        size = Math.max(size, offset + n);
    }

    void write(long offset, byte[] src, int srcOffset, int n) {
        int done = 0;
        while (done < n) {
            long pos = offset + done;
            int in = (int) (pos & CHUNK_MASK);
            int len = Math.min(n - done, CHUNK_SIZE - in);
            System.arraycopy(src, srcOffset + done, chunk(pos >>> CHUNK_SHIFT), in, len);
            done += len;
        }
        size = Math.max(size, offset + n);
    }

    private byte[] chunk(long index) {
        return chunks.computeIfAbsent(index, i -> new byte[CHUNK_SIZE]);
    }

    /** Sets the size: shrinking drops whole chunks past the end and zeros the tail of the last one. */
    void truncate(long newSize) {
        if (newSize < size) {
            zeroFrom(newSize); // bytes past the end stay zero, so growing needs no work
        }
        size = newSize;
    }

    /** Makes every byte at or after {@code pos} zero (allocated chunks past the old end included). */
    private void zeroFrom(long pos) {
        long first = (pos + CHUNK_MASK) >>> CHUNK_SHIFT; // first chunk entirely at or after pos
        chunks.tailMap(first, true).clear();
        int in = (int) (pos & CHUNK_MASK);
        if (in != 0) {
            byte[] partial = chunks.get(pos >>> CHUNK_SHIFT);
            if (partial != null) {
                java.util.Arrays.fill(partial, in, CHUNK_SIZE, (byte) 0);
            }
        }
    }

    /** Allocates the chunks covering [offset, offset+length); extends the size unless {@code keepSize}. */
    void allocate(long offset, long length, boolean keepSize) {
        long end = offset + length;
        for (long i = offset >>> CHUNK_SHIFT; i <= (end - 1) >>> CHUNK_SHIFT; i++) {
            chunk(i);
        }
        if (!keepSize) {
            size = Math.max(size, end);
        }
    }

    /** How many new chunks {@link #allocate} or a write of this range would add. */
    long chunksNeeded(long offset, long length) {
        if (length <= 0) {
            return 0;
        }
        long first = offset >>> CHUNK_SHIFT;
        long last = (offset + length - 1) >>> CHUNK_SHIFT;
        long present = chunks.subMap(first, true, last, true).size();
        return last - first + 1 - present;
    }

    /** SEEK_DATA: the first offset at or after {@code offset} inside an allocated chunk, or -1. */
    long nextData(long offset) {
        if (offset >= size) {
            return -1;
        }
        Map.Entry<Long, byte[]> e = chunks.ceilingEntry(offset >>> CHUNK_SHIFT);
        if (e == null) {
            return -1;
        }
        long start = Math.max(offset, e.getKey() << CHUNK_SHIFT);
        return start < size ? start : -1;
    }

    /** SEEK_HOLE: the first offset at or after {@code offset} in a hole, or the size (the implicit hole). */
    long nextHole(long offset) {
        if (offset >= size) {
            return -1;
        }
        long index = offset >>> CHUNK_SHIFT;
        while (chunks.containsKey(index)) {
            index++;
        }
        long hole = Math.max(offset, index << CHUNK_SHIFT);
        return Math.min(hole, size);
    }
}
