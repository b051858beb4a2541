package io.purefuse.harness.trace;

import io.netty.buffer.ByteBuf;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Appends frames to a conformance trace: per frame one direction byte ({@link #REQUEST} 0 =
 * read from /dev/fuse, {@link #REPLY} 1 = reply or notification written to it), a
 * little-endian u32 byte count, then the raw bytes. No file header. Thread safe: each frame is
 * written atomically with respect to other writers of this instance.
 */
public final class TraceWriter implements Closeable {
    public static final int REQUEST = 0;
    public static final int REPLY = 1;

    private final OutputStream out;
    private final byte[] head = new byte[5];
    private long frames;

    /** Creates (or truncates) a trace file. */
    public TraceWriter(Path path) throws IOException {
        this(Files.newOutputStream(path));
    }

    /** Writes to a stream (buffered here; closed by {@link #close()}). */
    public TraceWriter(OutputStream out) {
        this.out = new BufferedOutputStream(out, 1 << 16);
    }

    private void header(int direction, long length) throws IOException {
        if (direction != REQUEST && direction != REPLY) {
            throw new IllegalArgumentException("direction must be 0 or 1: " + direction);
        }
        if (length < 0 || length > 0xffffffffL) {
            throw new IllegalArgumentException("frame length out of range: " + length);
        }
        head[0] = (byte) direction;
        head[1] = (byte) length;
        head[2] = (byte) (length >>> 8);
        head[3] = (byte) (length >>> 16);
        head[4] = (byte) (length >>> 24);
        out.write(head);
        frames++;
    }

    /** One frame with the readable bytes of {@code frame} (indexes unchanged). */
    public synchronized void write(int direction, ByteBuf frame) throws IOException {
        header(direction, frame.readableBytes());
        frame.getBytes(frame.readerIndex(), out, frame.readableBytes());
    }

    /** One frame gathered from several buffers (e.g. a reply header and its data). */
    public synchronized void write(int direction, ByteBuf... parts) throws IOException {
        long n = 0;
        for (ByteBuf p : parts) {
            n += p.readableBytes();
        }
        header(direction, n);
        for (ByteBuf p : parts) {
            p.getBytes(p.readerIndex(), out, p.readableBytes());
        }
    }

    /** One frame from part of an array. */
    public synchronized void write(int direction, byte[] bytes, int offset, int length) throws IOException {
        header(direction, length);
        out.write(bytes, offset, length);
    }

    public void write(int direction, byte[] bytes) throws IOException {
        write(direction, bytes, 0, bytes.length);
    }

    /** Frames written so far. */
    public synchronized long frames() {
        return frames;
    }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
