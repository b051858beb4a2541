package io.purefuse.mount;

import java.nio.file.Path;
import java.util.OptionalLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mounted FUSE file system: the {@code /dev/fuse} descriptor, where it is mounted, the options
 * used, and (with {@code auto_unmount}) the fusermount3 helper that watches us.
 *
 * <p>Ownership: this object owns the device fd ({@link #fd()}, opened or received with
 * {@code O_CLOEXEC}). A session reads and writes it (and may clone it with
 * {@link LibC#FUSE_DEV_IOC_CLONE}; clones are the session's to close).
 *
 * <p>Shutdown: {@link #unmount()} detaches the mount lazily (like libfuse); a {@code read()} blocked
 * on the device then fails with {@code ENODEV} (no DESTROY is sent for a plain {@code fuse} mount),
 * which a session treats as a clean end. With {@code auto_unmount} it then closes our end of the
 * helper's socket and reaps fusermount3 (killing it if it has not exited within 5 s).
 * {@link #close()} does the same and then closes the device fd: call it once the session's reader
 * threads are done with the fd (closing an fd another thread still uses risks fd-number reuse).
 * Both are idempotent and thread safe.
 *
 * <p>With {@code auto_unmount}, fusermount3 keeps running until our end of its socket is closed
 * (by {@link #unmount()} or by this process dying, even from {@code kill -9}). It then opens the
 * mount point and unmounts only if that fails with ENOTCONN, i.e. only if the server is gone (the
 * device fd closed too, as when the process dies); if the open succeeds (a live server) it leaves
 * the mount alone and exits; while the device fd is open but INIT is unanswered the open blocks.
 * {@link #unmount()} therefore unmounts first and closes the socket afterwards.
 */
public final class FuseMount implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FuseMount.class);

    private final Mounter mounter;
    private final Path mountPoint;
    private final MountOptions options;
    private final Mounter.Strategy strategy;
    private final int mountId;
    private final String device;
    private final int connectionId;
    private final long helperPid;

    private int fd;
    private int commFd;
    private boolean helperEnded;
    private int helperStatus = -1;
    private boolean unmounted;

    FuseMount(Mounter mounter, int fd, Path mountPoint, MountOptions options, Mounter.Strategy strategy,
              MountTable.Entry entry, long helperPid, int commFd) {
        this.mounter = mounter;
        this.fd = fd;
        this.mountPoint = mountPoint;
        this.options = options;
        this.strategy = strategy;
        this.mountId = entry == null ? -1 : entry.mountId();
        this.device = entry == null ? null : entry.device();
        int conn = -1;
        if (entry != null) {
            try {
                conn = entry.connectionId();
            } catch (RuntimeException e) {
                conn = -1;
            }
        }
        this.connectionId = conn;
        this.helperPid = helperPid;
        this.commFd = commFd;
        this.helperEnded = helperPid <= 0;
    }

    /** The {@code /dev/fuse} descriptor (close-on-exec), or -1 after {@link #close()}. */
    public synchronized int fd() {
        return fd;
    }

    /** The canonical absolute mount point, as listed in {@code /proc/self/mountinfo}. */
    public Path mountPoint() {
        return mountPoint;
    }

    /** The options the file system was mounted with. */
    public MountOptions options() {
        return options;
    }

    /** How it was mounted: {@link Mounter.Strategy#FUSERMOUNT3} or {@link Mounter.Strategy#MOUNT_SYSCALL}. */
    public Mounter.Strategy strategy() {
        return strategy;
    }

    /** The mount id (first mountinfo field) right after mounting, or -1 if it could not be found.
     *  The kernel reuses mount ids: see {@link #isMounted()}. */
    public int mountId() {
        return mountId;
    }

    /** The file system's device number {@code major:minor} as in mountinfo, or null if unknown. */
    public String device() {
        return device;
    }

    /** The FUSE connection number ({@code /sys/fs/fuse/connections/<id>}), or -1 if unknown. */
    public int connectionId() {
        return connectionId;
    }

    /** Pid of the fusermount3 helper kept alive by {@code auto_unmount}, until it has been reaped. */
    public synchronized OptionalLong helperPid() {
        return helperEnded ? OptionalLong.empty() : OptionalLong.of(helperPid);
    }

    /**
     * Whether this mount is still mounted, checked without touching the file system.
     *
     * <p>Mount ids and FUSE device numbers are recycled by the kernel once a mount and its super
     * block are gone, so identity is established as follows: while we hold the device fd, our
     * connection is alive unless {@code poll()} on the fd reports {@code POLLERR}, and while it is
     * alive its device number ({@code 0:N}) cannot belong to anyone else, so an entry on our mount
     * point with our device number is ours. If the connection is gone (fd closed without unmounting,
     * or the connection aborted through {@code /sys/fs/fuse/connections/N/abort}), an entry with our
     * mount id and device number counts as ours only if it is stale ({@code stat()} fails with
     * ENOTCONN); a stale mount of ours is still unmounted by {@link #unmount()}.
     */
    public synchronized boolean isMounted() {
        if (unmounted) {
            return false;
        }
        if (device == null) {
            return MountTable.find(mountPoint).filter(MountTable.Entry::isFuse).isPresent();
        }
        boolean alive = fd >= 0 && connectionAlive(fd);
        boolean present = false;
        for (MountTable.Entry e : MountTable.read()) {
            if (e.mountPoint().equals(mountPoint) && e.device().equals(device)
                    && (alive || e.mountId() == mountId)) {
                present = true;
            }
        }
        // Without a live connection an entry with our numbers may be a newcomer that reused them:
        // it is ours only if it is stale.
        return present && (alive || Mounter.isStale(mountPoint));
    }

    /** poll() the device: a connection that was unmounted or aborted reports POLLERR. */
    private static boolean connectionAlive(int fd) {
        java.nio.ByteBuffer pfd = java.nio.ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.nativeOrder());
        pfd.putInt(0, fd).putShort(4, LibC.POLLIN).putShort(6, (short) 0);
        int n = Native.libc().poll(pfd, 1, 0);
        if (n < 0) {
            return true; // cannot tell: assume alive and let the mount table decide
        }
        return (pfd.getShort(6) & (LibC.POLLERR | LibC.POLLNVAL)) == 0;
    }

    /**
     * Unmounts lazily (if still mounted) and ends the auto_unmount helper. Idempotent; does not
     * close the device fd. A mount already gone (unmounted by someone else) is not an error.
     *
     * @throws MountException when the unmount itself fails
     */
    public synchronized void unmount() throws MountException {
        if (unmounted) {
            return;
        }
        try {
            if (isMounted()) {
                if (device != null) {
                    MountTable.Entry top = MountTable.find(mountPoint).orElse(null);
                    if (top != null && !top.device().equals(device)) {
                        throw new MountException("cannot unmount " + mountPoint + ": another file system ("
                                + top.fsType() + " from " + top.source() + ") is mounted on top of it");
                    }
                }
                mounter.unmountNow(mountPoint, true);
            }
            unmounted = true;
        } finally {
            endHelper();
        }
    }

    /** {@link #unmount()}, then closes the device fd. Idempotent. */
    @Override
    public synchronized void close() throws MountException {
        try {
            unmount();
        } finally {
            if (fd >= 0) {
                if (Native.libc().close(fd) != 0) {
                    LOG.warn("close of /dev/fuse fd {} failed: {}", fd, Native.describe(Native.errno()));
                }
                fd = -1;
            }
        }
    }

    /** Closes our end of the auto_unmount socket (fusermount3 then unmounts if still mounted and
     *  exits) and reaps the helper. */
    private void endHelper() {
        if (commFd >= 0) {
            Native.libc().close(commFd);
            commFd = -1;
        }
        if (!helperEnded) {
            int status = Mounter.waitForExit(helperPid, 5_000);
            helperEnded = true;
            helperStatus = status;
            LOG.debug("fusermount3 helper {} ended: {}", helperPid, Mounter.describeStatus(status));
        }
    }

    /**
     * Our end of the auto_unmount socket of fusermount3, or -1. A process that should keep the
     * mount from being auto-unmounted while it lives (a supervised server) may inherit it:
     * fusermount3 acts only once every holder has closed it.
     */
    public synchronized int autoUnmountSocket() {
        return commFd;
    }

    /** For tests: our end of the auto_unmount socket, or -1. */
    synchronized int commFd() {
        return commFd;
    }

    /** For tests: closes our end of the auto_unmount socket without unmounting or reaping, as if this
     *  process had died. */
    synchronized void closeCommSocketForTest() {
        if (commFd >= 0) {
            Native.libc().close(commFd);
            commFd = -1;
        }
    }

    /** For tests: the helper's wait status once reaped, else -1. */
    synchronized int helperStatusForTest() {
        return helperStatus;
    }

    /** For tests: closes the device fd without unmounting, as if the server had died (the mount goes
     *  stale: "Transport endpoint is not connected"). */
    synchronized void abandonFdForTest() {
        if (fd >= 0) {
            Native.libc().close(fd);
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return "FuseMount{" + mountPoint + ", fd=" + fd + ", " + strategy + ", options=" + options
                + (helperEnded ? "" : ", helper=" + helperPid) + (unmounted ? ", unmounted" : "") + "}";
    }
}
