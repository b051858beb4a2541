package io.purefuse.vfs;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.session.BackingFile;
import io.purefuse.session.Passthrough;
import io.purefuse.session.Request;
import io.purefuse.wire.Errno;
import java.util.LinkedHashMap;
import java.util.Map;
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
 *
 * <p>A backend whose backing files are copies (the client-side cache of the Alluxio worker
 * client: {@link FileSystemBackend#backingVersion} non-null) adds two rules, since the kernel
 * lets every open of the inode share that copy: before a new open names it the backend is asked
 * whether the copy is still the file's current version ({@link FileSystemBackend#backingCurrent};
 * if not, the open fails with ESTALE until the old opens are closed), and a writable open fails
 * with EBUSY while read-only copies are open (it can neither write the copy nor be served beside it).
 *
 * <p>Under a supervisor ({@link VfsStateLog}) backing ids are recorded: they belong to the
 * connection and outlive the server, so a successor restores each inode's id and counts
 * ({@link #restoreHandle}, {@link #restoreBacking}) and adopts the ids once its session has
 * passthrough ({@link #adopt}): new opens of a file still open through the id name the same id,
 * and the last RELEASE (wherever it arrives) closes it.
 */
final class PassthroughOpens {
    private static final Logger LOG = LoggerFactory.getLogger(PassthroughOpens.class);

    private final FileSystemBackend backend;
    private final boolean enabled;
    private final boolean randomAccess;
    private final long minSize;
    private final VfsStateLog log;
    /** Takeover, until {@link #adopt}: inode -> its predecessor's backing id (guarded by this). */
    private final Map<Inode, Integer> restoredIds = new LinkedHashMap<>();

    /** @param log records backing ids for a successor server, or null when not supervised */
    PassthroughOpens(FileSystemBackend backend, VfsOptions options, VfsStateLog log) {
        this.backend = backend;
        this.log = log;
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
     * @throws io.purefuse.session.FuseErrnoException ESTALE: the inode's open copy is no longer the
     *     file's current version; EBUSY: a writable open while read-only copies are open
     * @throws BackendException asking the backend whether a copy is current failed
     */
    BackingFile choose(Request req, Inode ino, AlluxioPath path, boolean writable, boolean asks) throws BackendException {
        Passthrough p = enabled ? req.passthrough() : null;
        if (p != null) {
            String shared;
            synchronized (ino) {
                shared = ino.passthroughHandles > 0 ? ino.backingVersion : null;
            }
            // A round trip, so outside the lock; a registration made meanwhile is fresh anyway.
            if (shared != null && !writable && !backend.backingCurrent(path, shared)) {
                throw Errors.fail(Errno.ESTALE, path + " changed while this client still has its old copy open"
                        + " (FUSE passthrough); close those opens to read the new version");
            }
        }
        synchronized (ino) {
            boolean pass = p != null && (ino.passthroughHandles > 0 || (asks && ino.ownPathHandles == 0));
            if (pass && writable && ino.backing != null && ino.backingVersion != null) {
                throw Errors.fail(Errno.EBUSY, path + " is open through a read-only client-cache copy");
            }
            if (pass && ino.backing == null) {
                ino.backing = register(p, path, writable, ino);
                pass = ino.backing != null;
                if (pass && log != null) {
                    // Before the reply names it: a successor must know every id an open file may use.
                    log.backingOpened(ino.nodeid, ino.backing.id());
                }
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

    /** Registers a backing file for {@code ino} (lock held), recording the version it holds. */
    private BackingFile register(Passthrough p, AlluxioPath path, boolean writable, Inode ino) {
        int fd;
        try {
            fd = backend.openBackingFd(path, writable);
        } catch (BackendException e) {
            LOG.debug("no backing fd for {}: {}", path, e.getMessage());
            return null;
        }
        try {
            BackingFile b = p.register(fd);
            ino.backingVersion = b == null ? null : backend.backingVersion(fd);
            return b;
        } finally {
            backend.closeBackingFd(fd); // the kernel holds its own reference
        }
    }

    /** Undoes a {@link #choose} whose handle was never made, or a released handle's. */
    void undo(Inode ino, BackingFile backing, boolean writable) {
        undoMode(ino, writable, backing != null);
    }

    /** Undoes the count of an open of {@code ino} in the given mode (closing the id after the last passthrough one). */
    void undoMode(Inode ino, boolean writable, boolean passthrough) {
        BackingFile close = null;
        synchronized (ino) {
            if (!passthrough) {
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
                ino.backingVersion = null;
                if (close != null && log != null) {
                    CrashPoint.after("backing-close", ino.name); // tests: die between FILE_CLOSE and BACKING_CLOSE
                    log.backingClosed(ino.nodeid); // before the ioctl: a crash leaks the id, never reuses it
                }
            }
        }
        if (close != null) {
            close.close();
        }
    }

    // ------------------------------------------------------------ takeover

    /**
     * Takeover: counts a handle the predecessor left open on its inode ({@code h} null for one
     * whose writer died: its release undoes the count through {@link #undoMode}). While a restored
     * passthrough handle is open, new opens of the inode name its adopted id; while an own-path one
     * is, they stay off passthrough.
     */
    void restoreHandle(Inode ino, FileHandle h, boolean writable, boolean passthrough) {
        synchronized (ino) {
            if (passthrough) {
                ino.passthroughHandles++;
                if (writable) {
                    ino.passthroughWriters++;
                }
            } else {
                ino.ownPathHandles++;
            }
        }
        if (h != null) {
            if (passthrough) {
                h.restoredPassthrough();
            } else {
                h.attach(null);
            }
        }
    }

    /** Takeover: {@code ino}'s predecessor registered backing id {@code id} and did not close it. */
    synchronized void restoreBacking(Inode ino, int id) {
        restoredIds.put(ino, id);
    }

    /**
     * Takeover, once the session has passthrough (before it reads a request): makes each restored
     * id the inode's backing file again, and closes ids no open file uses any more (the predecessor
     * died between the last RELEASE and the close). Without this call (the successor has no
     * passthrough) restored ids stay registered until unmount, and new opens of an inode still
     * open through one fail with EIO in the kernel until those files are closed.
     */
    void adopt(Passthrough p) {
        Map<Inode, Integer> ids;
        synchronized (this) {
            ids = new LinkedHashMap<>(restoredIds);
            restoredIds.clear();
        }
        if (ids.isEmpty()) {
            return; // a fresh mount, or nothing was open through passthrough
        }
        int adopted = 0;
        for (Map.Entry<Inode, Integer> e : ids.entrySet()) {
            Inode ino = e.getKey();
            BackingFile b = p.adopt(e.getValue());
            boolean used;
            synchronized (ino) {
                used = ino.passthroughHandles > 0 && ino.backing == null;
                if (used) {
                    ino.backing = b;
                }
            }
            if (used) {
                adopted++;
            } else {
                if (log != null) {
                    log.backingClosed(ino.nodeid);
                }
                b.close();
                LOG.info("closed backing id {} of nodeid {} left by the previous server", b.id(), ino.nodeid);
            }
        }
        LOG.info("adopted {} backing ids of the previous server ({} closed as unused)", adopted, ids.size() - adopted);
    }
}
