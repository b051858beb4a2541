package io.purefuse.vfs;

import io.netty.buffer.ByteBuf;
import io.purefuse.session.FrameRecorder;
import io.purefuse.wire.Opcode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches the real frames on the device: counts requests by opcode and keeps the
 * {@code fuse_open_out} of every successful OPEN/CREATE reply as written.
 */
final class Wire implements FrameRecorder {
    /** One OPEN/CREATE reply: the request's nodeid, its open_flags and backing_id. */
    record OpenReply(Opcode opcode, long nodeid, int openFlags, int backingId) {
    }

    private final Map<Opcode, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<Long, long[]> pending = new ConcurrentHashMap<>();
    final List<OpenReply> opens = new CopyOnWriteArrayList<>();
    /** Largest {@code fuse_read_in.size} seen in a READ. */
    final java.util.concurrent.atomic.AtomicInteger maxReadSize = new AtomicInteger();

    int count(Opcode op) {
        AtomicInteger c = counts.get(op);
        return c == null ? 0 : c.get();
    }

    void clear() {
        counts.clear();
        opens.clear();
        maxReadSize.set(0);
    }

    @Override
    public void read(ByteBuf f) {
        int i = f.readerIndex();
        Opcode op = Opcode.of(f.getIntLE(i + 4));
        if (op == null) {
            return;
        }
        counts.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
        if (op == Opcode.READ) {
            maxReadSize.accumulateAndGet(f.getIntLE(i + 40 + 16), Math::max); // fh, offset, then size
        }
        if (op == Opcode.OPEN || op == Opcode.CREATE) {
            pending.put(f.getLongLE(i + 8), new long[] {op.ordinal(), f.getLongLE(i + 16)});
        }
    }

    @Override
    public void written(ByteBuf h, ByteBuf data) {
        int i = h.readerIndex();
        long[] p = pending.remove(h.getLongLE(i + 8));
        if (p == null || h.getIntLE(i + 4) != 0) {
            return;
        }
        Opcode op = Opcode.values()[(int) p[0]];
        int body = i + 16 + (op == Opcode.CREATE ? 128 : 0);
        opens.add(new OpenReply(op, p[1], h.getIntLE(body + 8), h.getIntLE(body + 12)));
    }

    @Override
    public void close() {
    }
}
