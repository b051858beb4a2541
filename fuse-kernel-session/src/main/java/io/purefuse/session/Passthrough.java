package io.purefuse.session;

import io.purefuse.session.device.DeviceChannel;
import io.purefuse.wire.Errno;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FUSE passthrough for one session (protocol 7.40+): registers backing files with the kernel.
 * Obtained from {@link Request#passthrough()}; null there when passthrough was not asked for
 * ({@link SessionOptions#passthrough}) or not granted at INIT.
 *
 * <p>Registration can still be refused for the whole session (no CAP_SYS_ADMIN: EPERM; not a
 * FUSE device: ENOTTY): the first such refusal is logged once and turns passthrough off, and
 * {@link #register} returns null from then on, so the filesystem serves I/O itself. A refusal
 * for one file (not a regular file, too deep a stack of filesystems) returns null for that file
 * only.
 */
public final class Passthrough {
    private static final Logger LOG = LoggerFactory.getLogger(Passthrough.class);

    private final DeviceChannel device;
    private final Map<Integer, BackingFile> open = new ConcurrentHashMap<>();
    private final AtomicBoolean refused = new AtomicBoolean();
    private volatile boolean ended;

    Passthrough(DeviceChannel device) {
        this.device = device;
    }

    /** False once the kernel refused registrations for the whole session, or the session ended. */
    public boolean isAvailable() {
        return !refused.get() && !ended;
    }

    /**
     * Registers the regular file open as {@code fd}. The kernel keeps its own reference: the
     * caller may (and should) close {@code fd} right after.
     *
     * @return the registration, or null if the kernel refused it (I/O must then go through the
     *     filesystem)
     */
    public BackingFile register(int fd) {
        if (!isAvailable()) {
            return null;
        }
        int id = device.backingOpen(fd);
        if (id > 0) {
            BackingFile b = new BackingFile(this, id);
            open.put(id, b);
            if (ended) { // raced with the end of the session
                b.forget();
                open.remove(id);
                return null;
            }
            return b;
        }
        int errno = id == 0 ? Errno.EIO : -id;
        if (errno == Errno.EPERM || errno == Errno.ENOTTY || errno == Errno.ENOSYS || errno == Errno.ENODEV) {
            if (refused.compareAndSet(false, true)) {
                LOG.warn("FUSE passthrough refused by the kernel ({}): reads and writes go through purefuse",
                        Errno.name(errno));
            }
        } else {
            LOG.debug("backing registration of fd {} refused: {}", fd, Errno.name(errno));
        }
        return null;
    }

    /** Backing ids registered and not yet closed (for tests and diagnostics). */
    public int openCount() {
        return open.size();
    }

    void unregister(BackingFile b) {
        open.remove(b.id());
        if (ended) {
            return;
        }
        int err = device.backingClose(b.id());
        if (err != 0 && err != Errno.ENODEV) {
            LOG.warn("closing backing id {} failed: {}", b.id(), Errno.name(err));
        }
    }

    /** The session ended: the kernel dropped every id with the connection. */
    void end() {
        ended = true;
        for (BackingFile b : open.values()) {
            b.forget();
        }
        open.clear();
    }
}
