package io.purefuse.session;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets reader threads hand requests to the filesystem until the session steps down for a
 * successor ({@link FuseSession#detach}); counts the requests being handed over, so that the
 * step-down can wait until none is between {@code read()} and the in-flight table.
 *
 * <p>A reader enters before it looks at a frame and leaves after dispatch; it increments first
 * and checks the flag second, so {@link #close()} followed by {@code handling() == 0} means no
 * reader will dispatch anything any more.
 */
final class TakeoverGate {
    private final AtomicInteger handling = new AtomicInteger();
    private volatile boolean closed;

    /** True if the frame just read may be handled; false: leave it unanswered and stop reading. */
    boolean enter() {
        handling.incrementAndGet();
        if (closed) {
            handling.decrementAndGet();
            return false;
        }
        return true;
    }

    void leave() {
        handling.decrementAndGet();
    }

    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    int handling() {
        return handling.get();
    }
}
