package io.purefuse.harness.trace;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the frames of a conformance trace (see {@link TraceWriter}) in file order. A truncated
 * last frame is returned once with {@link Frame#truncated()} set, then the reader is at its end.
 * Not thread safe.
 */
public final class TraceReader implements Closeable {
    /** One frame: its index in the file, direction, bytes (as many as present) and declared length. */
    public record Frame(int index, int direction, byte[] bytes, long declaredLength, boolean truncated) {
        public boolean isRequest() {
            return direction == TraceWriter.REQUEST;
        }
    }

    private static final int MAX_FRAME = 64 << 20;

    private final InputStream in;
    private int index;
    private boolean done;

    public TraceReader(Path path) throws IOException {
        this(Files.newInputStream(path));
    }

    public TraceReader(InputStream in) {
        this.in = new BufferedInputStream(in, 1 << 16);
    }

    /** The next frame, or null at the end. */
    public Frame next() throws IOException {
        if (done) {
            return null;
        }
        int d = in.read();
        if (d < 0) {
            done = true;
            return null;
        }
        byte[] lenBytes = in.readNBytes(4);
        if (lenBytes.length < 4) {
            done = true;
            return new Frame(index++, d, new byte[0], -1, true);
        }
        long len = (lenBytes[0] & 0xffL) | (lenBytes[1] & 0xffL) << 8 | (lenBytes[2] & 0xffL) << 16
            | (lenBytes[3] & 0xffL) << 24;
        byte[] bytes = in.readNBytes((int) Math.min(len, MAX_FRAME));
        boolean truncated = bytes.length < len;
        if (truncated) {
            done = true;
        }
        return new Frame(index++, d, bytes, len, truncated);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
