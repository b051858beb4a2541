package io.purefuse.mount.supervisor;

import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One server process started by the {@link Supervisor}: the child and our end of its socket. */
final class ServerProcess {
    final ChildProcess child;
    final LineChannel channel;
    final long startedNanos = System.nanoTime();
    /** The command it runs (a planned upgrade may start a different one). */
    final java.util.List<String> command;
    /** Lines received, for whoever waits for a particular answer. */
    final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    volatile boolean ready;
    volatile boolean serving;
    /** Stepping down in a planned upgrade: its end is expected, not a crash. */
    volatile boolean retiring;

    ServerProcess(ChildProcess child, LineChannel channel, java.util.List<String> command) {
        this.child = child;
        this.channel = channel;
        this.command = command;
    }

    long pid() {
        return child.pid();
    }

    void send(String line) throws IOException {
        channel.send(line);
    }

    /** Waits for a line starting with {@code prefix}; null on timeout or when the process ended. */
    String await(String prefix, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            String l = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            if (l != null && l.startsWith(prefix)) {
                return l;
            }
            if (l == null && child.isReaped()) {
                return null;
            }
        }
    }

    @Override
    public String toString() {
        return "server " + child;
    }
}
