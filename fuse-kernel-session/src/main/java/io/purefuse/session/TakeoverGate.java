package io.purefuse.session;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Lets reader threads hand requests to the filesystem until the session steps down for a
 * successor ({@link FuseSession#detach}), and tells the step-down when no reader is between
 * {@code read()} and the in-flight table any more.
 *
 * <p>Each reader has its own {@link Slot} (no shared counter on the request path): it marks
 * itself busy, then checks the flag; {@link #close()} sets the flag, then looks at the slots.
 * Both are volatile accesses, which the memory model orders totally, so either the reader sees
 * the gate closed or the step-down sees the reader busy.
 */
final class TakeoverGate {
    private final CopyOnWriteArrayList<Slot> slots = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** One reader's view of the gate. */
    static final class Slot {
        private final TakeoverGate gate;
        private volatile boolean busy;

        private Slot(TakeoverGate gate) {
            this.gate = gate;
        }

        /** True if the frame just read may be handled; false: leave it unanswered and stop reading. */
        boolean enter() {
            busy = true;
            if (gate.closed) {
                busy = false;
                return false;
            }
            return true;
        }

        void leave() {
            busy = false;
        }
    }

    Slot newSlot() {
        Slot s = new Slot(this);
        slots.add(s);
        return s;
    }

    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    /** Readers handing a request over right now. */
    int handling() {
        int n = 0;
        for (Slot s : slots) {
            if (s.busy) {
                n++;
            }
        }
        return n;
    }
}
