package io.purefuse.mount;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal FUSE server for the mount tests, written against raw bytes so this module does not
 * depend on fuse-wire: answers INIT, GETATTR of anything (a directory), OPENDIR/RELEASEDIR, and
 * ENOSYS for everything else. Runs until the device read fails (ENODEV after unmount).
 */
final class TestFuseServer implements AutoCloseable {
    static final int FUSE_GETATTR = 3;
    static final int FUSE_FORGET = 2;
    static final int FUSE_INIT = 26;
    static final int FUSE_OPENDIR = 27;
    static final int FUSE_RELEASEDIR = 29;
    static final int FUSE_INTERRUPT = 36;
    static final int FUSE_BATCH_FORGET = 42;

    private final int fd;
    private final Thread thread;
    final CountDownLatch initDone = new CountDownLatch(1);
    final AtomicInteger getattrs = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final java.util.List<Integer> opcodes = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile int offeredMinor;
    volatile int exitErrno;
    volatile Throwable failure;

    TestFuseServer(int fd) {
        this.fd = fd;
        this.thread = new Thread(this::run, "test-fuse-server-" + fd);
        thread.setDaemon(true);
        thread.start();
    }

    boolean awaitInit(long millis) throws InterruptedException {
        return initDone.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Waits for the serving thread to end (after unmount). */
    boolean awaitExit(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    private void run() {
        LibC libc = Native.libc();
        ByteBuffer in = ByteBuffer.allocateDirect((1 << 20) + 4096).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer iov = ByteBuffer.allocateDirect(2 * Native.IOVEC_SIZE).order(ByteOrder.nativeOrder());
        try {
            while (true) {
                long n = libc.read(fd, in, in.capacity());
                if (n < 0) {
                    int errno = Native.errno();
                    if (errno == Native.EINTR || errno == Native.EAGAIN || errno == Native.ENOENT) {
                        continue;
                    }
                    exitErrno = errno;
                    return;
                }
                requests.incrementAndGet();
                int opcode = in.getInt(4);
                opcodes.add(opcode);
                long unique = in.getLong(8);
                switch (opcode) {
                    case FUSE_INIT -> {
                        int major = in.getInt(40);
                        int minor = in.getInt(44);
                        int maxReadahead = in.getInt(48);
                        offeredMinor = minor;
                        out.clear();
                        for (int i = 0; i < 80; i++) {
                            out.put(i, (byte) 0);
                        }
                        out.putInt(0, 80).putInt(4, 0).putLong(8, unique);
                        out.putInt(16, 7).putInt(20, Math.min(minor, 45)).putInt(24, maxReadahead)
                                .putInt(28, 0) // flags
                                .putShort(32, (short) 16).putShort(34, (short) 12)
                                .putInt(36, 131072).putInt(40, 1);
                        if (major != 7) {
                            throw new IllegalStateException("kernel offers major " + major);
                        }
                        // also exercises write(ByteBuffer) honouring the position: write from offset 0
                        write(libc, out, 80);
                        initDone.countDown();
                    }
                    case FUSE_GETATTR -> {
                        getattrs.incrementAndGet();
                        // header and body as two iovecs: exercises writev
                        ByteBuffer body = out;
                        for (int i = 0; i < 256; i++) {
                            body.put(i, (byte) 0);
                        }
                        body.putLong(16, 1).putInt(24, 0); // attr_valid 1 s
                        int attr = 32;
                        body.putLong(attr, in.getLong(16)); // ino = nodeid
                        body.putInt(attr + 60, 040755).putInt(attr + 64, 2); // mode, nlink
                        body.putInt(attr + 80, 4096); // blksize
                        body.putInt(0, 120).putInt(4, 0).putLong(8, unique);
                        long base = Native.address(body);
                        Native.putIovec(iov, 0, base, 16);
                        Native.putIovec(iov, 1, base + 16, 104);
                        long w = libc.writev(fd, iov, 2);
                        if (w != 120) {
                            throw new IllegalStateException("writev returned " + w + ": "
                                    + Native.describe(Native.errno()));
                        }
                    }
                    case FUSE_OPENDIR -> {
                        for (int i = 0; i < 32; i++) {
                            out.put(i, (byte) 0);
                        }
                        out.putInt(0, 32).putInt(4, 0).putLong(8, unique);
                        write(libc, out, 32);
                    }
                    case FUSE_RELEASEDIR -> error(libc, out, unique, 0);
                    case FUSE_FORGET, FUSE_BATCH_FORGET, FUSE_INTERRUPT -> {
                        // no reply
                    }
                    default -> error(libc, out, unique, -Native.ENOSYS);
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void error(LibC libc, ByteBuffer out, long unique, int error) {
        out.putInt(0, 16).putInt(4, error).putLong(8, unique);
        write(libc, out, 16);
    }

    private void write(LibC libc, ByteBuffer out, int len) {
        out.position(0);
        long w = libc.write(fd, out, len);
        if (w != len && Native.errno() != Native.ENOENT) {
            throw new IllegalStateException("write returned " + w + ": " + Native.describe(Native.errno()));
        }
    }

    @Override
    public void close() throws InterruptedException {
        awaitExit(5_000);
    }
}
