package io.purefuse.vfs;

import io.purefuse.mount.LibC;
import io.purefuse.mount.Native;
import io.purefuse.session.FrameRecorder;
import io.purefuse.session.FuseSession;
import io.purefuse.session.LowLevelFilesystem;
import io.purefuse.session.SessionOptions;
import io.purefuse.session.device.FuseDeviceChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's side of a session over a SOCK_SEQPACKET socketpair, for sending frames the real
 * kernel would filter (names with {@code /}, {@code ..}, overlong names) straight to the VFS.
 * Starts the session with an INIT for 7.45; {@link #close()} ends it.
 */
final class RawFrameKernel implements AutoCloseable {
    private static final LibC LIBC = Native.libc();
    private final int kernelFd;
    private final FuseSession session;
    private long unique = 100;

    RawFrameKernel(LowLevelFilesystem fs, FrameRecorder recorder) throws Exception {
        int[] sv = new int[2];
        if (Native.posix().socketpair(1 /* AF_UNIX */, 5 /* SOCK_SEQPACKET */, 0, sv) != 0) {
            throw new IllegalStateException("socketpair failed: " + Native.posix().errno());
        }
        kernelFd = sv[1];
        ByteBuffer init = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        init.putInt(7).putInt(45).putInt(131072).putInt(0x73fffffb).putInt(0x5fd);
        send(26 /* INIT */, 1, 0, init.array());
        SessionOptions so = new SessionOptions().readerThreads(2);
        if (recorder != null) {
            so.recorder(recorder);
        }
        CompletableFuture<FuseSession> s = CompletableFuture.supplyAsync(() -> {
            try {
                return FuseSession.serve(FuseDeviceChannel.ofSocket(sv[0]), fs, so);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        ByteBuffer r = reply(5000);
        if (r == null || r.getInt(4) != 0) {
            throw new IllegalStateException("no INIT reply");
        }
        session = s.get(5, TimeUnit.SECONDS);
    }

    static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** {@code s} in UTF-8 with its terminating NUL. */
    static byte[] cstr(String s) {
        return cat(s.getBytes(StandardCharsets.UTF_8), new byte[1]);
    }

    static byte[] le(long... words) {
        ByteBuffer b = ByteBuffer.allocate(8 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long w : words) {
            b.putLong(w);
        }
        return b.array();
    }

    static byte[] le32(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    private void send(int opcode, long uniq, long nodeid, byte[] body) {
        ByteBuffer b = ByteBuffer.allocateDirect(40 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(40 + body.length).putInt(opcode).putLong(uniq).putLong(nodeid);
        b.putInt(0).putInt(0).putInt(4242).putShort((short) 0).putShort((short) 0);
        b.put(body).flip();
        if (LIBC.write(kernelFd, b, b.remaining()) != 40 + body.length) {
            throw new IllegalStateException("short write, errno " + Native.errno());
        }
    }

    private ByteBuffer reply(int timeoutMillis) {
        ByteBuffer pfd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        pfd.putInt(0, kernelFd).putShort(4, LibC.POLLIN);
        if (LIBC.poll(pfd, 1, timeoutMillis) <= 0) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 17).order(ByteOrder.LITTLE_ENDIAN);
        long n = LIBC.read(kernelFd, b, b.capacity());
        if (n <= 0) {
            return null;
        }
        b.limit((int) n);
        return b;
    }

    /** Sends one request and returns its reply (error at 4, body from 16). */
    ByteBuffer call(int opcode, long nodeid, byte[] body) {
        long u = unique += 2;
        send(opcode, u, nodeid, body);
        ByteBuffer r = reply(10_000);
        if (r == null || r.getLong(8) != u) {
            throw new AssertionError("no reply to unique " + u + " (opcode " + opcode + ")");
        }
        return r;
    }

    /** Sends raw bytes as one frame (anything, even shorter than a header). */
    void sendRaw(byte[] frame) {
        ByteBuffer b = ByteBuffer.allocateDirect(frame.length).put(frame).flip();
        if (LIBC.write(kernelFd, b, frame.length) != frame.length) {
            throw new IllegalStateException("short write, errno " + Native.errno());
        }
    }

    /** Sends a request without waiting; returns its unique. */
    long sendOnly(int opcode, long nodeid, byte[] body) {
        long u = unique += 2;
        send(opcode, u, nodeid, body);
        return u;
    }

    /** The next frame the server wrote, or null if none comes within {@code timeoutMillis}. */
    ByteBuffer next(int timeoutMillis) {
        return reply(timeoutMillis);
    }

    /** The negative errno of the reply (0 = success). */
    int errno(int opcode, long nodeid, byte[] body) {
        return -call(opcode, nodeid, body).getInt(4);
    }

    @Override
    public void close() throws Exception {
        LIBC.close(kernelFd);
        session.awaitTermination(10, TimeUnit.SECONDS);
    }
}
