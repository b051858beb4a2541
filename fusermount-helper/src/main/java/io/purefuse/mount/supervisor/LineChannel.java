package io.purefuse.mount.supervisor;

import io.purefuse.mount.Native;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Text lines over a connected stream socket given as a raw fd (one end of a socketpair that a
 * supervisor and its server process share). {@link #readLine} and {@link #send} may be called
 * from different threads; each is used by one thread at a time.
 */
public final class LineChannel implements Closeable {
    private final int fd;
    private final ByteBuffer in = ByteBuffer.allocateDirect(4096);
    private final StringBuilder pending = new StringBuilder();
    private final Object writeLock = new Object();
    private volatile boolean closed;

    public LineChannel(int fd) {
        this.fd = fd;
    }

    public int fd() {
        return fd;
    }

    /** Creates a connected pair of stream sockets, both close-on-exec: {ours, theirs}. */
    public static int[] socketPair() throws IOException {
        int[] sv = new int[2];
        if (Native.posix().socketpair(1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0, sv) != 0) {
            throw new IOException("socketpair failed: " + Native.describe(Native.posix().errno()));
        }
        ChildProcess.closeOnExec(sv[0]);
        ChildProcess.closeOnExec(sv[1]);
        return sv;
    }

    /**
     * The next line (without its newline); blocks.
     *
     * @throws EOFException when the peer closed its end (or died)
     */
    public String readLine() throws IOException {
        while (true) {
            int nl = pending.indexOf("\n");
            if (nl >= 0) {
                String line = pending.substring(0, nl);
                pending.delete(0, nl + 1);
                return line;
            }
            in.clear();
            long n = Native.libc().read(fd, in, in.capacity());
            if (n == 0) {
                throw new EOFException("peer closed the channel");
            }
            if (n < 0) {
                int errno = Native.errno();
                if (errno == Native.EINTR || errno == Native.EAGAIN) {
                    continue;
                }
                throw new IOException("read on fd " + fd + " failed: " + Native.describe(errno));
            }
            byte[] b = new byte[(int) n];
            in.get(0, b);
            pending.append(new String(b, StandardCharsets.UTF_8));
        }
    }

    /** Sends one line (a newline is added; the line must not contain one). */
    public void send(String line) throws IOException {
        if (line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a line cannot contain a newline");
        }
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocateDirect(b.length);
        out.put(b).flip();
        synchronized (writeLock) {
            int off = 0;
            while (off < b.length) {
                long n = Native.libc().write(fd, out.position(off), b.length - off);
                if (n < 0) {
                    int errno = Native.errno();
                    if (errno == Native.EINTR) {
                        continue;
                    }
                    throw new IOException("write on fd " + fd + " failed: " + Native.describe(errno));
                }
                off += (int) n;
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.libc().close(fd);
        }
    }
}
