package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * An append-only file of the request frames a filesystem carried out, for filesystems whose
 * whole state is a function of the state-changing requests they ran, in order (MemFs). A
 * successor process replays it with {@link RequestReplay} and ends up with the same inodes,
 * nodeids, file handles and data.
 *
 * <p>Use: install it as the session's {@link FrameRecorder} (it remembers, per reader thread,
 * the frame being dispatched); the filesystem calls {@link #appendCurrent} for each
 * state-changing request <em>before</em> carrying it out and under the lock that orders its
 * changes, so the file order is the execution order and nothing answered can be missing from it.
 * A request journaled but never carried out (the process died in between) is carried out by the
 * replay, and its resend is then answered from the replay's result ({@link ResentReplies}).
 *
 * <p>Records: u32 length (of what follows the CRC), u32 CRC32C, i64 wall-clock time in epoch
 * nanoseconds (so a replay stamps the same times), then the frame. A write goes to the page
 * cache in one {@code write(2)}: it survives {@code kill -9} of this process, not a machine
 * crash. A record cut short by the death of the writer fails its CRC and ends the journal there.
 */
public final class RequestJournal implements FrameRecorder, Flushable, Closeable {
    private static final int HEADER = 4 + 4 + 8;
    /** The frame a reader thread read last: the decoder moves the buffer's indexes afterwards. */
    private static final FastThreadLocal<Current> CURRENT = new FastThreadLocal<>() {
        @Override
        protected Current initialValue() {
            return new Current();
        }
    };

    private static final class Current {
        ByteBuf buffer;
        int index;
        int length;
    }

    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private long records;

    private RequestJournal(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Opens {@code file} for appending after its first {@code validLength} bytes (what a replay
     * found complete; anything after is a torn record and is cut off). Creates the file.
     */
    public static RequestJournal openForAppend(Path file, long validLength) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            if (ch.size() > validLength) {
                ch.truncate(validLength);
            }
            ch.position(validLength);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new RequestJournal(ch);
    }

    @Override
    public void read(ByteBuf frame) {
        Current c = CURRENT.get();
        c.buffer = frame;
        c.index = frame.readerIndex();
        c.length = frame.readableBytes();
    }

    @Override
    public void written(ByteBuf header, ByteBuf data) {
        // replies are not journaled: a replay recomputes them
    }

    /**
     * Appends the frame being dispatched on the calling reader thread, stamped {@code timeNanos}.
     *
     * @throws IllegalStateException when called outside a reader thread's dispatch
     */
    public synchronized void appendCurrent(long timeNanos) throws IOException {
        Current c = CURRENT.get();
        if (c.buffer == null) {
            throw new IllegalStateException("no request frame is being dispatched on this thread");
        }
        int len = c.length;
        if (out.capacity() < HEADER + len) {
            out = ByteBuffer.allocateDirect(Integer.highestOneBit(HEADER + len) * 2).order(ByteOrder.LITTLE_ENDIAN);
        }
        out.clear();
        out.position(HEADER);
        out.putLong(8, timeNanos);
        c.buffer.getBytes(c.index, out.slice(HEADER, len));
        crc.reset();
        crc.update(out.slice(8, 8 + len));
        out.putInt(0, 8 + len);
        out.putInt(4, (int) crc.getValue());
        out.position(0).limit(HEADER + len);
        while (out.hasRemaining()) {
            channel.write(out);
        }
        records++;
    }

    /** Records appended by this process. */
    public synchronized long appended() {
        return records;
    }

    @Override
    public void flush() {
        // Each append is one write(2) into the page cache, which outlives this process.
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to lose: every append already reached the page cache
        }
    }

    /** Called with each complete record. The frame is valid only during the call. */
    @FunctionalInterface
    public interface RecordConsumer {
        void accept(long timeNanos, ByteBuf frame);
    }

    /**
     * Reads a journal from the start, possibly while its writer still appends: each
     * {@link #readAvailable} call goes on from where the previous one stopped.
     */
    public static final class Reader implements Closeable {
        private final FileChannel channel;
        private final CRC32C crc = new CRC32C();
        private final ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        private ByteBuffer body = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        private long position;
        private long records;

        public Reader(Path file) throws IOException {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }

        /**
         * Hands every complete record from the current position on to {@code consumer}; stops at
         * the end, or at a record that is incomplete or fails its CRC (torn, or still being
         * written). Returns how many records it read.
         */
        public int readAvailable(RecordConsumer consumer) throws IOException {
            int n = 0;
            while (true) {
                header.clear();
                if (!readFully(header, position)) {
                    return n;
                }
                int len = header.getInt(0);
                int sum = header.getInt(4);
                if (len < 8 || len > (64 << 20)) {
                    return n; // garbage: a torn length
                }
                int frameLen = len - 8;
                if (body.capacity() < frameLen) {
                    body = ByteBuffer.allocate(Integer.highestOneBit(frameLen) * 2).order(ByteOrder.LITTLE_ENDIAN);
                }
                body.clear().limit(frameLen);
                if (!readFully(body, position + HEADER)) {
                    return n;
                }
                crc.reset();
                crc.update(header.array(), 8, 8);
                crc.update(body.array(), 0, frameLen);
                if ((int) crc.getValue() != sum) {
                    return n;
                }
                consumer.accept(header.getLong(8), Unpooled.wrappedBuffer(body.array(), 0, frameLen));
                position += HEADER + frameLen;
                records++;
                n++;
            }
        }

        private boolean readFully(ByteBuffer dst, long at) throws IOException {
            long p = at;
            while (dst.hasRemaining()) {
                int r = channel.read(dst, p);
                if (r <= 0) {
                    return false;
                }
                p += r;
            }
            return true;
        }

        /** Bytes of complete records read so far: where appending may go on. */
        public long validLength() {
            return position;
        }

        public long records() {
            return records;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
