package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.purefuse.session.dispatch.InFlightTable;
import io.purefuse.wire.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** State shared by the reader threads of one session: reply path, in-flight table, recorder. */
final class SessionCore {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCore.class);

    private final ByteBufAllocator alloc;
    private final FrameRecorder recorder;
    final InFlightTable<Request> inFlight = new InFlightTable<>(256);
    private volatile int minor = io.purefuse.wire.Protocol.KERNEL_MINOR_VERSION;
    private final boolean watchdog;
    private volatile Passthrough passthrough;
    /** The {@code -o debug} log, or null when off. */
    RequestDebugLog debug;

    SessionCore(ByteBufAllocator alloc, FrameRecorder recorder, boolean watchdog) {
        this.alloc = alloc;
        this.recorder = recorder;
        this.watchdog = watchdog;
    }

    /** Arrival time for the request watchdog and age tracking; 0 (no clock read) when both are off. */
    long watchdogClock() {
        return watchdog ? System.nanoTime() : 0;
    }

    /** Requests unanswered for at least {@code minAgeNanos} (needs arrival times: see {@link #watchdogClock}). */
    java.util.List<PendingRequest> pendingOlderThan(long minAgeNanos) {
        long now = System.nanoTime();
        java.util.List<PendingRequest> out = new java.util.ArrayList<>();
        for (Request r : inFlight.values()) {
            long target = r.pendingUnique();
            if (target == Long.MIN_VALUE) {
                continue;
            }
            long started = r.startNanos;
            if (started != 0 && now - started >= minAgeNanos) {
                out.add(new PendingRequest(target, r.opcode, r.nodeid, r.pid, now - started));
            }
        }
        out.sort(java.util.Comparator.comparingLong(PendingRequest::ageNanos).reversed());
        return out;
    }

    /** Answers {@code errno} to every request pending longer than {@code timeoutNanos}. */
    void expireOlderThan(long timeoutNanos, int errno) {
        long now = System.nanoTime();
        for (Request r : inFlight.values()) {
            // The state (acquire) first: bind() writes startNanos before publishing the unique.
            long target = r.pendingUnique();
            if (target == Long.MIN_VALUE) {
                continue;
            }
            long started = r.startNanos;
            if (started != 0 && now - started > timeoutNanos && r.expire(target, errno)) {
                LOG.error("{} unanswered after {} ms: answered {} (the filesystem's later reply is dropped)",
                        r, (now - started) / 1_000_000, Errno.name(errno));
            }
        }
    }

    ByteBufAllocator alloc() {
        return alloc;
    }

    int minor() {
        return minor;
    }

    void minor(int negotiated) {
        this.minor = negotiated;
    }

    Passthrough passthrough() {
        return passthrough;
    }

    void passthrough(Passthrough p) {
        this.passthrough = p;
    }

    FrameRecorder recorder() {
        return recorder;
    }

    /**
     * Writes a claimed reply on the channel its request came from and releases the buffers.
     * Returns whether the kernel took it.
     */
    boolean send(Request req, ByteBuf header, ByteBuf data) {
        inFlight.remove(req.unique, req);
        try {
            if (debug != null) {
                debug.replied(req, header, data);
            }
            recordWritten(header, data);
            int err = req.channel.write(header, data);
            if (err != 0 && err != Errno.ENOENT) {
                // ENOENT: the request was interrupted and the kernel no longer waits for it.
                LOG.warn("reply to {} failed: {}", req, Errno.name(err));
            }
            return err == 0;
        } finally {
            header.release();
            if (data != null) {
                data.release();
            }
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean recorderFailed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Records a frame read; a failing recorder is logged once and never stops a request. */
    void recordRead(ByteBuf frame) {
        if (recorder != null) {
            try {
                recorder.read(frame);
            } catch (Throwable t) {
                recorderFailed(t);
            }
        }
    }

    /** Records a frame written; a failing recorder is logged once and never stops a reply. */
    void recordWritten(ByteBuf header, ByteBuf data) {
        if (recorder != null) {
            try {
                recorder.written(header, data);
            } catch (Throwable t) {
                recorderFailed(t);
            }
        }
    }

    private void recorderFailed(Throwable t) {
        if (recorderFailed.compareAndSet(false, true)) {
            LOG.error("frame recorder failed; the trace is incomplete from here (logged once)", t);
        }
    }

    void duplicateReply(Request req) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("dropped a second reply to {} (interrupted: {})", req, req.isInterrupted());
        }
    }
}
