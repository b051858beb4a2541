package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records frames in the conformance trace format: per frame one direction byte (0 = request read
 * from the device, 1 = reply or notification written to it), a little-endian u32 byte count,
 * then the bytes. No file header. Debugging aid: it allocates and locks per frame.
 */
public final class TraceFileRecorder implements FrameRecorder {
    public static final int DIRECTION_REQUEST = 0;
    public static final int DIRECTION_REPLY = 1;

    private final OutputStream out;

    public TraceFileRecorder(Path file) throws IOException {
        this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    @Override
    public void read(ByteBuf frame) {
        record(DIRECTION_REQUEST, frame, null);
    }

    @Override
    public void written(ByteBuf header, ByteBuf data) {
        record(DIRECTION_REPLY, header, data);
    }

    private synchronized void record(int direction, ByteBuf first, ByteBuf second) {
        int n1 = first.readableBytes();
        int n2 = second == null ? 0 : second.readableBytes();
        int len = n1 + n2;
        try {
            out.write(direction);
            out.write(len);
            out.write(len >>> 8);
            out.write(len >>> 16);
            out.write(len >>> 24);
            first.getBytes(first.readerIndex(), out, n1);
            if (second != null) {
                second.getBytes(second.readerIndex(), out, n2);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
