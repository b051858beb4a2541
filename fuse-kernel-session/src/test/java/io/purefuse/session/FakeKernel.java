package io.purefuse.session;

import io.purefuse.mount.LibC;
import io.purefuse.mount.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Plays the kernel's side of a session over a SOCK_SEQPACKET socketpair (one write = one frame,
 * like /dev/fuse): builds request frames byte by byte and reads replies.
 */
final class FakeKernel implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final LibC LIBC = Native.libc();

    final int serverFd;
    final int kernelFd;

    FakeKernel() {
        int[] sv = new int[2];
        if (Native.posix().socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0) {
            throw new IllegalStateException("socketpair failed: " + Native.posix().errno());
        }
        serverFd = sv[0];
        kernelFd = sv[1];
    }

    /** A request: in-header (40 bytes) + body. */
    static ByteBuffer request(int opcode, long unique, long nodeid, byte[] body) {
        ByteBuffer b = ByteBuffer.allocateDirect(40 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(40 + body.length).putInt(opcode).putLong(unique).putLong(nodeid);
        b.putInt(1000).putInt(1000).putInt(4242).putShort((short) 0).putShort((short) 0);
        b.put(body).flip();
        return b;
    }

    static byte[] cstring(String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[raw.length + 1];
        System.arraycopy(raw, 0, out, 0, raw.length);
        return out;
    }

    static byte[] initBody(int major, int minor) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(major).putInt(minor).putInt(131072).putInt(0x73fffffb).putInt(0x5fd);
        return b.array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    void send(ByteBuffer frame) {
        long n = LIBC.write(kernelFd, frame, frame.remaining());
        if (n != frame.remaining()) {
            throw new IllegalStateException("short write " + n + " errno " + Native.errno());
        }
    }

    /** The next reply, or null if none arrives within {@code timeoutMillis}. */
    ByteBuffer reply(int timeoutMillis) {
        ByteBuffer pfd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        pfd.putInt(0, kernelFd).putShort(4, LibC.POLLIN);
        if (LIBC.poll(pfd, 1, timeoutMillis) <= 0) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        long n = LIBC.read(kernelFd, b, b.capacity());
        if (n <= 0) {
            return null;
        }
        b.limit((int) n);
        return b;
    }

    static int len(ByteBuffer reply) {
        return reply.getInt(0);
    }

    static int error(ByteBuffer reply) {
        return reply.getInt(4);
    }

    static long unique(ByteBuffer reply) {
        return reply.getLong(8);
    }

    /** Closing the kernel side ends the session (the server reads 0 bytes). */
    @Override
    public void close() {
        LIBC.close(kernelFd);
    }
}
