package io.purefuse.harness.fault;

import io.netty.buffer.ByteBuf;
import io.purefuse.session.FrameRecorder;
import io.purefuse.wire.Opcode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FrameRecorder} that checks the session's central promise on the wire: every request
 * read from the device is answered by exactly one reply with its {@code unique}, except FORGET,
 * BATCH_FORGET, INTERRUPT and NOTIFY_REPLY (the kernel's answer to a RETRIEVE notification),
 * which must get none. Notifications ({@code unique} 0) are not
 * replies and are ignored. A frame shorter than the 16-byte header has no readable unique and
 * is only counted ({@link #tooShort()}).
 *
 * <p>Call {@link #problems()} once the session is quiet (after unmount, or after waiting for
 * {@link #unanswered()} to drain); it lists every unique with a missing, duplicate or
 * unsolicited reply.
 */
public final class ReplyCounter implements FrameRecorder {
    private static final int FORGET = Opcode.FORGET.code();
    private static final int BATCH_FORGET = Opcode.BATCH_FORGET.code();
    private static final int INTERRUPT = Opcode.INTERRUPT.code();
    private static final int NOTIFY_REPLY = Opcode.NOTIFY_REPLY.code();

    /** unique -> {opcode, requests read, replies written}. */
    private final Map<Long, long[]> byUnique = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong replies = new AtomicLong();
    private final AtomicLong noReplyExpected = new AtomicLong();
    private final AtomicLong tooShort = new AtomicLong();

    @Override
    public void read(ByteBuf frame) {
        int i = frame.readerIndex();
        if (frame.readableBytes() < 16) {
            tooShort.incrementAndGet();
            return;
        }
        int opcode = frame.getIntLE(i + 4);
        long unique = frame.getLongLE(i + 8);
        requests.incrementAndGet();
        if (!expectsReply(opcode)) {
            noReplyExpected.incrementAndGet();
        }
        long[] e = byUnique.computeIfAbsent(unique, u -> new long[] {opcode, 0, 0});
        synchronized (e) {
            e[0] = opcode;
            e[1]++;
        }
    }

    @Override
    public void written(ByteBuf header, ByteBuf data) {
        long unique = header.getLongLE(header.readerIndex() + 8);
        if (unique == 0) {
            return; // a notification
        }
        replies.incrementAndGet();
        long[] e = byUnique.computeIfAbsent(unique, u -> new long[] {-1, 0, 0});
        synchronized (e) {
            e[2]++;
        }
    }

    @Override
    public void close() {
    }

    /** Requests read (frames of at least 16 bytes). */
    public long requests() {
        return requests.get();
    }

    /** Replies written (notifications excluded). */
    public long replies() {
        return replies.get();
    }

    /** FORGET, BATCH_FORGET, INTERRUPT and NOTIFY_REPLY requests read. */
    public long noReplyExpected() {
        return noReplyExpected.get();
    }

    /** Frames too short to carry a unique. */
    public long tooShort() {
        return tooShort.get();
    }

    /** Requests that expect a reply and have none yet. */
    public long unanswered() {
        long n = 0;
        for (long[] e : byUnique.values()) {
            synchronized (e) {
                if (e[1] > 0 && expectsReply((int) e[0]) && e[2] == 0) {
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean expectsReply(int opcode) {
        return opcode != FORGET && opcode != BATCH_FORGET && opcode != INTERRUPT && opcode != NOTIFY_REPLY;
    }

    /** Every deviation from one-reply-per-request, as readable lines (empty when all is well). */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        byUnique.forEach((unique, e) -> {
            synchronized (e) {
                Opcode op = e[0] < 0 ? null : Opcode.of((int) e[0]);
                String name = op == null ? "opcode " + e[0] : op.name();
                long want = e[1] == 0 ? 0 : expectsReply((int) e[0]) ? e[1] : 0;
                if (e[1] == 0) {
                    out.add("unique " + unique + ": " + e[2] + " replies to a request never read");
                } else if (e[2] != want) {
                    out.add("unique " + unique + " (" + name + ", read " + e[1] + "x): " + e[2] + " replies, expected "
                            + want);
                }
            }
        });
        return out;
    }
}
