package io.purefuse.session.device;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.purefuse.mount.LibC;
import io.purefuse.mount.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.StampedLock;
import jnr.ffi.byref.IntByReference;

/**
 * A {@link DeviceChannel} over a file descriptor: {@code /dev/fuse} (or a clone), or a
 * SOCK_SEQPACKET socket standing in for it in tests (one read = one frame there too).
 *
 * <p>Reads and writes go straight through the libc binding at the buffers' native addresses:
 * no copies and no allocation. Replies with data go out as one {@code writev} of header + data.
 */
public final class FuseDeviceChannel implements DeviceChannel {
    private static final LibC LIBC = Native.libc();

    /** Two iovecs per thread for header + data; replies may be sent from any thread. */
    private static final FastThreadLocal<Iovecs> IOVECS = new FastThreadLocal<>() {
        @Override
        protected Iovecs initialValue() {
            return new Iovecs();
        }
    };

    /** Scratch for the backing ioctls' 16-byte argument (opens may come from any thread). */
    private static final FastThreadLocal<ByteBuffer> IOCTL_ARG = new FastThreadLocal<>() {
        @Override
        protected ByteBuffer initialValue() {
            return ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        }
    };

    private static final class Iovecs {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(2 * Native.IOVEC_SIZE).order(ByteOrder.nativeOrder());
        final long address = Native.address(buffer);
    }

    private final int fd;
    private final boolean fuseDevice;
    private final boolean ownsFd;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final StampedLock lock = new StampedLock();

    private FuseDeviceChannel(int fd, boolean fuseDevice, boolean ownsFd) {
        this.fd = fd;
        this.fuseDevice = fuseDevice;
        this.ownsFd = ownsFd;
    }

    /** A channel on a mounted {@code /dev/fuse} fd; takes ownership of the fd (closes it). */
    public static FuseDeviceChannel of(int fd) {
        return new FuseDeviceChannel(fd, true, true);
    }

    /** A channel on a {@code /dev/fuse} fd that someone else (a FuseMount) closes. */
    public static FuseDeviceChannel borrow(int fd) {
        return new FuseDeviceChannel(fd, true, false);
    }

    /** A channel on a socket that plays the kernel's part (tests, trace replay); not cloneable; owns the fd. */
    public static FuseDeviceChannel ofSocket(int fd) {
        return new FuseDeviceChannel(fd, false, true);
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public int read(ByteBuf dst) throws DeviceException {
        int index = dst.writerIndex();
        int room = dst.writableBytes();
        while (true) {
            if (closed.get()) {
                return END_OF_SESSION; // never read a closed fd: its number may belong to a new file
            }
            long n = dst.hasMemoryAddress()
                    ? LIBC.read(fd, dst.memoryAddress() + index, room)
                    : LIBC.read(fd, dst.internalNioBuffer(index, room), room);
            if (n > 0) {
                dst.writerIndex(index + (int) n);
                return (int) n;
            }
            if (n == 0) {
                return END_OF_SESSION; // the peer socket closed (tests)
            }
            int errno = Native.errno();
            switch (errno) {
                case Native.EINTR, Native.EAGAIN, Native.ENOENT:
                    // ENOENT: the request was aborted while being copied; read the next one.
                    continue;
                case Native.ENODEV, Native.ECONNABORTED:
                    return END_OF_SESSION; // unmounted, or the connection was aborted
                case Native.EBADF:
                    if (closed.get()) {
                        return END_OF_SESSION;
                    }
                    throw new DeviceException("read on fd " + fd + " failed: EBADF", errno);
                default:
                    throw new DeviceException("read on fd " + fd + " failed: " + Native.describe(errno), errno);
            }
        }
    }

    @Override
    public int write(ByteBuf header, ByteBuf data) {
        // Replies may come from any thread at any time, even after the session ended. Writing to
        // a closed fd number could write into whatever file reused it, so writes hold the read
        // side of a lock that close() takes exclusively.
        long stamp = lock.readLock();
        try {
            if (closed.get()) {
                return Native.ENODEV;
            }
            return writeOpen(header, data);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private int writeOpen(ByteBuf header, ByteBuf data) {
        while (true) {
            long n;
            if (data == null || !data.isReadable()) {
                n = header.hasMemoryAddress()
                        ? LIBC.write(fd, header.memoryAddress() + header.readerIndex(), header.readableBytes())
                        : LIBC.write(fd, header.internalNioBuffer(header.readerIndex(), header.readableBytes()),
                                header.readableBytes());
            } else {
                ByteBuf d = data.hasMemoryAddress() ? data : null;
                if (d == null || !header.hasMemoryAddress()) {
                    return writeCopy(header, data);
                }
                Iovecs iov = IOVECS.get();
                Native.putIovec(iov.buffer, 0, header.memoryAddress() + header.readerIndex(), header.readableBytes());
                Native.putIovec(iov.buffer, 1, d.memoryAddress() + d.readerIndex(), d.readableBytes());
                n = LIBC.writev(fd, iov.address, 2);
            }
            if (n >= 0) {
                return 0;
            }
            int errno = Native.errno();
            if (errno != Native.EINTR) {
                return errno;
            }
        }
    }

    /** Heap or composite data (rare): one contiguous copy, then a plain write. */
    private int writeCopy(ByteBuf header, ByteBuf data) {
        ByteBuf joined = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(
                header.readableBytes() + data.readableBytes());
        try {
            joined.writeBytes(header, header.readerIndex(), header.readableBytes());
            joined.writeBytes(data, data.readerIndex(), data.readableBytes());
            return writeOpen(joined, null);
        } finally {
            joined.release();
        }
    }

    @Override
    public int backingOpen(int backingFd) {
        if (!fuseDevice) {
            return -Native.ENOTTY;
        }
        ByteBuffer arg = IOCTL_ARG.get();
        arg.putInt(0, backingFd).putInt(4, 0).putLong(8, 0); // struct fuse_backing_map
        long stamp = lock.readLock();
        try {
            if (closed.get()) {
                return -Native.ENODEV;
            }
            int id = LIBC.ioctl(fd, LibC.FUSE_DEV_IOC_BACKING_OPEN, Native.address(arg));
            return id >= 0 ? id : -Native.errno();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public int backingClose(int backingId) {
        if (!fuseDevice) {
            return Native.ENOTTY;
        }
        ByteBuffer arg = IOCTL_ARG.get();
        arg.putInt(0, backingId);
        long stamp = lock.readLock();
        try {
            if (closed.get()) {
                return Native.ENODEV;
            }
            return LIBC.ioctl(fd, LibC.FUSE_DEV_IOC_BACKING_CLOSE, Native.address(arg)) == 0 ? 0 : Native.errno();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public DeviceChannel cloneChannel() {
        if (!fuseDevice) {
            return null;
        }
        int newFd = LIBC.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        if (newFd < 0) {
            return null;
        }
        if (LIBC.ioctl(newFd, LibC.FUSE_DEV_IOC_CLONE, new IntByReference(fd)) != 0) {
            LIBC.close(newFd);
            return null;
        }
        return new FuseDeviceChannel(newFd, true, true);
    }

    @Override
    public void close() {
        long stamp = lock.writeLock();
        try {
            if (closed.compareAndSet(false, true) && ownsFd) {
                LIBC.close(fd);
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public String toString() {
        return (fuseDevice ? "/dev/fuse fd " : "socket fd ") + fd;
    }
}
