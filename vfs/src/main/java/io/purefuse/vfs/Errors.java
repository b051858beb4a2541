package io.purefuse.vfs;

import io.purefuse.backend.BackendException;
import io.purefuse.backend.ErrorCode;
import io.purefuse.session.FuseErrnoException;
import io.purefuse.wire.Errno;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become errnos.
 *
 * <p>{@link BackendException}s carry their errno ({@link ErrorCode#errno()}: ENOENT, EEXIST,
 * ENOTEMPTY, EISDIR, ENOTDIR, EACCES, EPERM, ENOSPC, EOPNOTSUPP, EINVAL, ENAMETOOLONG, ELOOP,
 * EROFS, EXDEV, EBUSY, ETIMEDOUT, EINTR, EIO); a {@link FuseErrnoException} carries its own;
 * anything else is a bug or an unexpected runtime failure and becomes EIO (logged once).
 */
public final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    /** The positive errno for {@code t}. Unexpected throwables are logged at WARN. */
    public static int errno(Throwable t) {
        if (t instanceof FuseErrnoException f) {
            return f.errno();
        }
        if (t instanceof BackendException b) {
            int e = b.errno();
            if (b.code() == ErrorCode.IO_ERROR || b.code() == ErrorCode.UNAVAILABLE) {
                LOG.warn("backend I/O error: {}", b.getMessage(), b.getCause());
            }
            return e > 0 ? e : Errno.EIO;
        }
        if (t instanceof ClosedChannelException) {
            return Errno.EBADF;
        }
        if (t instanceof OutOfMemoryError) {
            LOG.error("out of memory serving a request", t);
            return Errno.ENOMEM;
        }
        LOG.warn("unexpected failure, answering EIO", t);
        return Errno.EIO;
    }

    /** A {@link FuseErrnoException} to throw from deep inside a call. */
    public static FuseErrnoException fail(int errno, String message) {
        return new FuseErrnoException(errno, message);
    }
}
