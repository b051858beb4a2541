package io.purefuse.mount;

import java.nio.ByteBuffer;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * A deliberately tiny jnr-ffi binding to the handful of glibc calls a FUSE server needs on the
 * {@code /dev/fuse} descriptor and for mounting: {@code open}, {@code close}, {@code read},
 * {@code write}, {@code writev}, {@code ioctl}, {@code poll}, {@code mount}, {@code umount2}.
 *
 * <p>Obtain the instance with {@link Native#libc()}; read {@code errno} after a failed call
 * (return value {@code -1}) with {@link Native#errno()} on the same thread. Every method is
 * annotated {@link SaveError}, so errno is captured right after the call, before the JVM can
 * clobber it.
 *
 * <p>Cost: one call through this binding costs about 250-430 ns on the project's VMs (raw C
 * ~200 ns, jnr-posix ~300-600 ns, {@code FileChannel} ~450-950 ns); a FUSE round trip is ~5 us, so
 * the binding is not the bottleneck. Do not use {@code FileChannel} on {@code /dev/fuse}: a write
 * blocks behind a pending read on the same channel and interrupting a reader closes the fd.
 *
 * <p>Buffers: a <em>direct</em> {@link ByteBuffer} argument is passed as a pointer to its memory
 * starting at its {@code position()} (verified by the module's tests); the buffer's position
 * and limit are not changed, the byte count is the explicit argument and must not exceed
 * {@code remaining()}. Heap buffers would be copied in and out on every call: do not use them.
 * The {@code long address} overloads take a raw native address (for example Netty's
 * {@code ByteBuf.memoryAddress() + index}) and are the cheapest form.
 *
 * <p>{@code iovec} layout for {@link #writev}: an array of {@link Native#IOVEC_SIZE} (16) byte
 * entries {@code {void *iov_base; size_t iov_len;}} in native byte order on 64-bit Linux.
 * {@link Native#putIovec} writes one.
 *
 * <p>Only for 64-bit Linux (x86_64, aarch64), which is all purefuse supports.
 */
public interface LibC {
    // open(2) flags (Linux, x86_64/aarch64 generic values)
    int O_RDONLY = 0;
    int O_WRONLY = 1;
    int O_RDWR = 2;
    int O_CREAT = 0100;
    int O_TRUNC = 01000;
    int O_NONBLOCK = 04000;
    int O_CLOEXEC = 02000000;

    // mount(2) flags
    long MS_RDONLY = 1;
    long MS_NOSUID = 2;
    long MS_NODEV = 4;
    long MS_NOEXEC = 8;
    long MS_SYNCHRONOUS = 16;
    long MS_DIRSYNC = 128;
    long MS_NOATIME = 1024;
    long MS_NODIRATIME = 2048;
    long MS_RELATIME = 1L << 21;
    long MS_STRICTATIME = 1L << 24;
    long MS_LAZYTIME = 1L << 25;

    // umount2(2) flags
    int MNT_FORCE = 1;
    int MNT_DETACH = 2;
    int MNT_EXPIRE = 4;
    int UMOUNT_NOFOLLOW = 8;

    // poll(2) events
    short POLLIN = 0x001;
    short POLLOUT = 0x004;
    short POLLERR = 0x008;
    short POLLHUP = 0x010;
    short POLLNVAL = 0x020;

    /** {@code FUSE_DEV_IOC_CLONE}: {@code ioctl(newFd, FUSE_DEV_IOC_CLONE, &oldFd)} on a freshly
     *  opened {@code /dev/fuse} makes it join {@code oldFd}'s session. */
    long FUSE_DEV_IOC_CLONE = 0x8004E500L;

    /** {@code FUSE_DEV_IOC_BACKING_OPEN} = {@code _IOW(229, 1, struct fuse_backing_map)}: registers
     *  the file {@code {int32 fd; uint32 flags = 0; uint64 padding = 0}} names for passthrough;
     *  returns its backing id (&gt; 0). Needs CAP_SYS_ADMIN and PASSTHROUGH negotiated. */
    long FUSE_DEV_IOC_BACKING_OPEN = 0x4010E501L;

    /** {@code FUSE_DEV_IOC_BACKING_CLOSE} = {@code _IOW(229, 2, uint32)}: drops a backing id. */
    long FUSE_DEV_IOC_BACKING_CLOSE = 0x4004E502L;

    /** {@code open(2)}; returns the fd or -1. */
    @SaveError
    int open(@In CharSequence path, int flags, int mode);

    /** {@code close(2)}; returns 0 or -1. */
    @SaveError
    int close(int fd);

    /** {@code read(2)} into a direct buffer starting at its position; returns bytes read or -1. */
    @SaveError
    @ssize_t long read(int fd, @Out ByteBuffer buf, @size_t long count);

    /** {@code read(2)} into native memory. */
    @SaveError
    @ssize_t long read(int fd, @Out Pointer buf, @size_t long count);

    /** {@code read(2)} into a raw native address. */
    @SaveError
    @ssize_t long read(int fd, @intptr_t long address, @size_t long count);

    /** {@code write(2)} from a direct buffer starting at its position; returns bytes written or -1. */
    @SaveError
    @ssize_t long write(int fd, @In ByteBuffer buf, @size_t long count);

    /** {@code write(2)} from native memory. */
    @SaveError
    @ssize_t long write(int fd, @In Pointer buf, @size_t long count);

    /** {@code write(2)} from a raw native address. */
    @SaveError
    @ssize_t long write(int fd, @intptr_t long address, @size_t long count);

    /** {@code writev(2)}: {@code iov} points to {@code iovcnt} 16-byte iovecs. A FUSE reply must be
     *  written in one call (the kernel takes one reply per write). */
    @SaveError
    @ssize_t long writev(int fd, @In Pointer iov, int iovcnt);

    /** {@code writev(2)} with the iovec array in a direct buffer (starting at its position). */
    @SaveError
    @ssize_t long writev(int fd, @In ByteBuffer iov, int iovcnt);

    /** {@code writev(2)} with the iovec array at a raw native address. */
    @SaveError
    @ssize_t long writev(int fd, @intptr_t long iovAddress, int iovcnt);

    /** {@code ioctl(2)} with an int in/out argument (e.g. {@link #FUSE_DEV_IOC_CLONE}). */
    @SaveError
    @Variadic(fixedCount = 2)
    int ioctl(int fd, long request, IntByReference arg);

    /** {@code ioctl(2)} with a pointer argument. */
    @SaveError
    @Variadic(fixedCount = 2)
    int ioctl(int fd, long request, Pointer arg);

    /** {@code ioctl(2)} with its argument at a raw native address (a struct in a direct buffer). */
    @SaveError
    @Variadic(fixedCount = 2)
    int ioctl(int fd, long request, @intptr_t long argAddress);

    /** {@code poll(2)} on {@code nfds} 8-byte {@code struct pollfd {int fd; short events; short revents;}}
     *  entries in a direct buffer; returns the number of ready fds, 0 on timeout, -1 on error. */
    @SaveError
    int poll(@In @Out ByteBuffer fds, long nfds, int timeoutMillis);

    /** {@code mount(2)}; {@code data} may be null. */
    @SaveError
    int mount(@In CharSequence source, @In CharSequence target, @In CharSequence fstype, long flags,
              @In CharSequence data);

    /** {@code umount2(2)}. */
    @SaveError
    int umount2(@In CharSequence target, int flags);

    /** {@code strerror(3)} (not thread safe for unknown errnos; only for messages). */
    String strerror(int errnum);
}
