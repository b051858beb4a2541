package io.purefuse.session.dispatch;

/**
 * Requests the kernel is waiting for, by unique, so that an INTERRUPT (which names its target by
 * unique) can find the request whatever thread is serving it.
 *
 * <p>An open-addressing long-keyed table under one lock: a put and a remove per request cost
 * tens of nanoseconds against a ~5 us FUSE round trip and, unlike a {@code ConcurrentHashMap},
 * box nothing. Deletion shifts the following run back, so there are no tombstones.
 */
public final class InFlightTable<V> {
    private long[] keys;
    private Object[] values;
    private int size;

    /**
     * INTERRUPTs whose target was not in the table yet: with cloned fds an INTERRUPT can be read
     * on one fd while another reader is still decoding its target, and an EAGAIN written on the
     * wrong fd is lost (the kernel looks replies up per fd). Remembered here and matched when the
     * target is put. Rare: a few entries, aged out after {@link #PENDING_INTERRUPT_TTL_NANOS}.
     */
    private long[] pendingTargets = new long[8];
    private long[] pendingSince = new long[8];
    private int pendingCount;
    static final long PENDING_INTERRUPT_TTL_NANOS = 60_000_000_000L;
    private static final int MAX_PENDING_INTERRUPTS = 4096;

    public InFlightTable(int initialCapacity) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacity) * 2 - 1);
        keys = new long[cap];
        values = new Object[cap];
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    public synchronized void put(long unique, V value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(unique, mask);
        while (values[i] != null) {
            if (keys[i] == unique) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = unique;
        values[i] = value;
        size++;
    }

    /**
     * Puts {@code value} and returns whether an INTERRUPT for {@code unique} arrived before it
     * (the pending record is consumed). Atomic with {@link #getOrRememberInterrupt}.
     */
    public synchronized boolean putAndTakeInterrupt(long unique, V value) {
        put(unique, value);
        if (pendingCount == 0) {
            return false;
        }
        for (int i = 0; i < pendingCount; i++) {
            if (pendingTargets[i] == unique) {
                removePendingAt(i);
                return true;
            }
        }
        return false;
    }

    /**
     * The request an INTERRUPT names, or null after remembering {@code target} so that
     * {@link #putAndTakeInterrupt} can deliver it when the request is registered.
     */
    public synchronized V getOrRememberInterrupt(long target, long nowNanos) {
        V v = get(target);
        if (v != null) {
            return v;
        }
        for (int i = pendingCount - 1; i >= 0; i--) {
            // Targets answered before their INTERRUPT was read never come: age them out.
            if (nowNanos - pendingSince[i] > PENDING_INTERRUPT_TTL_NANOS) {
                removePendingAt(i);
            }
        }
        if (pendingCount == MAX_PENDING_INTERRUPTS) {
            removePendingAt(0);
        }
        if (pendingCount == pendingTargets.length) {
            pendingTargets = java.util.Arrays.copyOf(pendingTargets, pendingCount * 2);
            pendingSince = java.util.Arrays.copyOf(pendingSince, pendingCount * 2);
        }
        pendingTargets[pendingCount] = target;
        pendingSince[pendingCount] = nowNanos;
        pendingCount++;
        return null;
    }

    private void removePendingAt(int i) {
        int tail = pendingCount - i - 1;
        System.arraycopy(pendingTargets, i + 1, pendingTargets, i, tail);
        System.arraycopy(pendingSince, i + 1, pendingSince, i, tail);
        pendingCount--;
    }

    public synchronized int pendingInterrupts() {
        return pendingCount;
    }

    @SuppressWarnings("unchecked")
    public synchronized V get(long unique) {
        int mask = keys.length - 1;
        for (int i = slot(unique, mask); values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == unique) {
                return (V) values[i];
            }
        }
        return null;
    }

    /** Removes the mapping only if it still maps to {@code value}; returns whether it did. */
    public synchronized boolean remove(long unique, V value) {
        int mask = keys.length - 1;
        int i = slot(unique, mask);
        while (values[i] != null) {
            if (keys[i] == unique) {
                if (values[i] != value) {
                    return false;
                }
                deleteAt(i, mask);
                size--;
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    private void deleteAt(int hole, int mask) {
        values[hole] = null;
        int i = (hole + 1) & mask;
        while (values[i] != null) {
            int home = slot(keys[i], mask);
            // Move entry i into the hole if its home is not cyclically within (hole, i].
            boolean between = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!between) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                values[i] = null;
                hole = i;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldValues.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldValues[j] != null) {
                int i = slot(oldKeys[j], mask);
                while (values[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }

    public synchronized int size() {
        return size;
    }

    /** Snapshot of the values, for shutdown. */
    @SuppressWarnings("unchecked")
    public synchronized java.util.List<V> values() {
        java.util.List<V> out = new java.util.ArrayList<>(size);
        for (Object v : values) {
            if (v != null) {
                out.add((V) v);
            }
        }
        return out;
    }
}
