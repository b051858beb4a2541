package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import io.purefuse.wire.Errno;
import io.purefuse.wire.Opcode;
import io.purefuse.wire.Protocol;
import io.purefuse.wire.RequestFrame;
import io.purefuse.wire.debug.StructPrinter;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code -o debug}: one line per request, written when it is answered:
 * {@code unique=N OPCODE nodeid=N pid=N {request fields} -> ERRNO|OK [reply fields] Nus}.
 * Requests that get no reply (FORGET, BATCH_FORGET, INTERRUPT) get a line when they arrive. The
 * session creates one only when debugging is on; when off, the cost is one null check per request.
 */
final class RequestDebugLog {
    /** The logger lines go to by default ({@code purefuse.fuse.debug}, INFO so that it shows). */
    static final Logger LOG = LoggerFactory.getLogger("purefuse.fuse.debug");
    static final Consumer<String> DEFAULT_SINK = LOG::info;

    private final Consumer<String> sink;
    private final SessionCore core;

    RequestDebugLog(Consumer<String> sink, SessionCore core) {
        this.sink = sink;
        this.core = core;
    }

    /** Remembers the request's fields (the frame is reused once dispatch returns). */
    void begin(Request req, RequestFrame f) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("unique=").append(f.unique()).append(' ').append(f.opcode())
            .append(" nodeid=").append(f.nodeid()).append(" pid=").append(f.pid()).append(' ');
        StructPrinter.request(sb, f);
        req.debugLine = sb.toString();
        req.debugStartNanos = System.nanoTime();
    }

    /** A request that gets no reply. */
    void noReply(RequestFrame f) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("unique=").append(f.unique()).append(' ').append(f.opcode())
            .append(" nodeid=").append(f.nodeid()).append(' ');
        StructPrinter.request(sb, f);
        sb.append(" (no reply)");
        emit(sb.toString());
    }

    /** A request answered before it became a {@link Request} (bad frame, INIT, DESTROY). */
    void raw(long unique, Opcode op, int errno) {
        emit("unique=" + unique + " " + op + " -> " + (errno == 0 ? "OK" : Errno.name(Math.abs(errno))));
    }

    /** The INIT exchange (answered by the session itself). */
    void init(long unique, String negotiated) {
        emit("unique=" + unique + " INIT -> OK " + negotiated);
    }

    /** The reply to {@code req} ({@code header} holds the out-header and the reply struct). */
    void replied(Request req, ByteBuf header, ByteBuf data) {
        long micros = (System.nanoTime() - req.debugStartNanos) / 1000;
        int i = header.readerIndex();
        int error = header.getIntLE(i + 4);
        StringBuilder sb = new StringBuilder(160);
        sb.append(req.debugLine == null ? req.toString() : req.debugLine).append(" -> ");
        if (error != 0) {
            sb.append(Errno.name(-error));
        } else {
            sb.append("OK");
            replyFields(sb, req.opcode(), header, i, data);
        }
        sb.append(' ').append(micros).append("us");
        req.debugLine = null;
        emit(sb.toString());
    }

    private void replyFields(StringBuilder sb, Opcode op, ByteBuf h, int i, ByteBuf data) {
        int body = i + Protocol.OUT_HEADER_SIZE;
        int n = h.writerIndex() - body;
        switch (op) {
            case LOOKUP, MKNOD, MKDIR, SYMLINK, LINK -> {
                if (n >= 8) {
                    sb.append(" nodeid=").append(h.getLongLE(body));
                }
            }
            case CREATE -> {
                int entry = Protocol.entryOutSize(core.minor());
                if (n >= entry + 8) {
                    sb.append(" nodeid=").append(h.getLongLE(body)).append(" fh=").append(h.getLongLE(body + entry));
                }
            }
            case OPEN, OPENDIR -> {
                if (n >= 12) {
                    sb.append(" fh=").append(h.getLongLE(body)).append(" open_flags=0x")
                        .append(Integer.toHexString(h.getIntLE(body + 8)));
                }
            }
            case GETATTR, SETATTR -> {
                if (n >= 32) {
                    sb.append(" size=").append(h.getLongLE(body + 24));
                }
            }
            case WRITE, COPY_FILE_RANGE -> {
                if (n >= 4) {
                    sb.append(" size=").append(Integer.toUnsignedLong(h.getIntLE(body)));
                }
            }
            default -> {
                int bytes = n + (data == null ? 0 : data.readableBytes());
                if (bytes > 0) {
                    sb.append(" bytes=").append(bytes);
                }
            }
        }
    }

    private void emit(String line) {
        try {
            sink.accept(line);
        } catch (RuntimeException e) {
            LOG.warn("debug sink failed: {}", e.toString());
        }
    }
}
