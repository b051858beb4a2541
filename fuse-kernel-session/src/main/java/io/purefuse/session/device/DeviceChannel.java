package io.purefuse.session.device;

import io.netty.buffer.ByteBuf;
import java.io.Closeable;

/**
 * One file descriptor of a FUSE session: {@code /dev/fuse} (or a clone of it), or a stand-in
 * such as a SOCK_SEQPACKET socket in tests. Every {@link #read} returns exactly one request.
 */
public interface DeviceChannel extends Closeable {

    /** Returned by {@link #read} when the session is over (ENODEV: unmounted, or aborted). */
    int END_OF_SESSION = -1;

    /**
     * Reads one request into {@code dst} at its writer index (which it advances) and returns the
     * byte count, or {@link #END_OF_SESSION}. Retries EINTR, EAGAIN and ENOENT (request aborted
     * while copied) internally.
     *
     * @throws DeviceException for any other error (EINVAL: the buffer is too small, ...)
     */
    int read(ByteBuf dst) throws DeviceException;

    /**
     * Writes one reply or notification: the readable bytes of {@code header} followed by those
     * of {@code data} (may be null), as one frame (one writev). Neither buffer is released.
     *
     * @return 0 on success, or the positive errno of a failed write. ENOENT means the request was
     *     interrupted and is no longer wanted; callers treat it as success.
     */
    int write(ByteBuf header, ByteBuf data);

    /**
     * A new channel attached to the same session (FUSE_DEV_IOC_CLONE), so that each reader
     * thread reads and answers on its own fd; {@code null} if cloning is not supported.
     */
    DeviceChannel cloneChannel();

    /**
     * Registers {@code fd} (a regular file) with the kernel for FUSE passthrough
     * ({@code FUSE_DEV_IOC_BACKING_OPEN}). The kernel takes its own reference to the file: the
     * caller may close {@code fd} afterwards.
     *
     * @return the backing id (&gt; 0), or a negative errno (ENOTTY: not a FUSE device; EPERM:
     *     no CAP_SYS_ADMIN or passthrough not negotiated)
     */
    default int backingOpen(int fd) {
        return -io.purefuse.wire.Errno.ENOTTY;
    }

    /** Drops a backing id ({@code FUSE_DEV_IOC_BACKING_CLOSE}): 0 or a positive errno. */
    default int backingClose(int backingId) {
        return io.purefuse.wire.Errno.ENOTTY;
    }

    /** The raw file descriptor, for diagnostics. */
    int fd();

    @Override
    void close();
}
