package io.purefuse.vfs;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.session.BackingFile;
import io.purefuse.session.Passthrough;
import io.purefuse.session.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, per OPEN/CREATE, whether the kernel serves the file's I/O directly from the local UFS
 * file (FUSE passthrough) or sends READ/WRITE to us, and keeps the kernel's rules for mixing them
 * (docs/KERNEL-NOTES.md, "Passthrough"):
 * <ul>
 *   <li>all passthrough opens of an inode share one backing registration
 *   ({@link Inode#backing}); it is closed when the last of them is released;</li>
 *   <li>an inode never has passthrough and own-path handles at once: while it has passthrough
 *   handles every open of it gets passthrough (even one that would not ask for it), while it
 *   has own-path handles none does.</li>
 * </ul>
 * Counts change at the decision and at {@link FileHandle#release()}; RELEASE comes after the
 * kernel already let go of the file, so the counts only ever overstate what the kernel holds,
 * which keeps both rules safe.
 */
final class PassthroughOpens {
    private static final Logger LOG = LoggerFactory.getLogger(PassthroughOpens.class);

    private final FileSystemBackend backend;
    private final boolean enabled;
    private final boolean randomAccess;
    private final long minSize;

    PassthroughOpens(FileSystemBackend backend, VfsOptions options) {
        this.backend = backend;
        this.enabled = options.passthrough() && backend.capabilities().contains(Capability.BACKING_FD);
        this.randomAccess = options.randomAccess();
        this.minSize = options.passthroughMinSize();
    }

    /** Whether the session should ask the kernel for passthrough at INIT. */
    boolean wanted() {
        return enabled;
    }

    /** Whether an open of this kind asks for passthrough: writes only with random access. */
    boolean asks(boolean writable) {
        return enabled && (!writable || randomAccess);
    }

    /**
     * Whether a read-only open of a file of {@code size} bytes asks for passthrough: only from
     * {@link VfsOptions#passthroughMinSize} up, as a small file costs more to register than its
     * READs cost us. ({@link #choose} still passes it through while the inode is.)
     */
    boolean asksToRead(long size) {
        return enabled && size >= minSize;
    }

    /**
     * Chooses the mode of a new open of {@code ino} and counts it on the inode; the caller must
     * hand the result to {@link FileHandle#attach} or, if no handle comes of it, to
     * {@link #undo}.
     *
     * @param asks whether this open wants passthrough ({@link #asks})
     * @return the backing file to answer with, or null for our own path
     */
    BackingFile choose(Request req, Inode ino, AlluxioPath path, boolean writable, boolean asks) {
        Passthrough p = enabled ? req.passthrough() : null;
        synchronized (ino) {
            boolean pass = p != null && (ino.passthroughHandles > 0 || (asks && ino.ownPathHandles == 0));
            if (pass && ino.backing == null) {
                ino.backing = register(p, path, writable);
                pass = ino.backing != null;
            }
            if (!pass) {
                ino.ownPathHandles++;
                return null;
            }
            ino.passthroughHandles++;
            if (writable) {
                ino.passthroughWriters++;
            }
            return ino.backing;
        }
    }

    /** Whether the kernel may be writing {@code ino}'s file behind our back (its size is the store's). */
    static boolean writingThrough(Inode ino) {
        synchronized (ino) {
            return ino.passthroughWriters > 0;
        }
    }

    private BackingFile register(Passthrough p, AlluxioPath path, boolean writable) {
        int fd;
        try {
            fd = backend.openBackingFd(path, writable);
        } catch (BackendException e) {
            LOG.debug("no backing fd for {}: {}", path, e.getMessage());
            return null;
        }
        try {
            return p.register(fd);
        } finally {
            backend.closeBackingFd(fd); // the kernel holds its own reference
        }
    }

    /** Undoes a {@link #choose} whose handle was never made, or a released handle's. */
    static void undo(Inode ino, BackingFile backing, boolean writable) {
        BackingFile close = null;
        synchronized (ino) {
            if (backing == null) {
                ino.ownPathHandles--;
                return;
            }
            ino.passthroughHandles--;
            if (writable) {
                ino.passthroughWriters--;
            }
            if (ino.passthroughHandles == 0) {
                close = ino.backing;
                ino.backing = null;
            }
        }
        if (close != null) {
            close.close();
        }
    }
}
