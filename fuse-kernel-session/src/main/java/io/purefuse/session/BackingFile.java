package io.purefuse.session;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file registered with the kernel for FUSE passthrough ({@code FUSE_DEV_IOC_BACKING_OPEN}),
 * named in OPEN/CREATE replies by its backing id ({@link Request#replyOpen(long, int, BackingFile)}).
 * Reads and writes of a file opened that way go from the kernel straight to this file and never
 * reach the filesystem.
 *
 * <p>The owner closes it ({@link #close()}, {@code FUSE_DEV_IOC_BACKING_CLOSE}) when no open
 * file of its inode needs the id any more: at the last RELEASE, or when an OPEN/CREATE reply that
 * named it never reached the kernel. Never right after the reply: the kernel looks the id up in
 * the opening process after the reply was written, and most opens then fail with EIO. Files
 * whose open(2) completed keep working after the close, but while one open file of an inode uses
 * a registration every other open of that inode must name the same one, so owners share one
 * per inode (docs/KERNEL-NOTES.md).
 */
public final class BackingFile implements AutoCloseable {
    private final Passthrough owner;
    private final int id;
    private final AtomicBoolean closed = new AtomicBoolean();

    BackingFile(Passthrough owner, int id) {
        this.owner = owner;
        this.id = id;
    }

    /** The kernel's backing id (&gt; 0). */
    public int id() {
        return id;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Unregisters the id. Idempotent; errors are logged, never thrown. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            owner.unregister(this);
        }
    }

    /** Marks the id gone without an ioctl (the session ended: the kernel dropped every id). */
    void forget() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "BackingFile[" + id + (closed.get() ? ", closed]" : "]");
    }
}
