package io.purefuse.vfs;

import io.purefuse.backend.AlluxioPath;
import java.util.ArrayList;
import java.util.List;

/**
 * One kernel-visible inode: a nodeid bound to a name in a parent directory. All mutable fields
 * except the write state are guarded by the owning {@link InodeTable}'s lock; the write state
 * ({@link #sequentialWriter}, {@link #writeHandles}, {@link #writerWaiters}) is guarded by this
 * object's monitor.
 */
public final class Inode {
    final long nodeid;
    /** Parent directory; null for the root and for detached (unlinked/replaced) inodes. */
    Inode parent;
    /** Name in {@link #parent}. */
    String name;
    /** Kernel lookup count (LOOKUP/CREATE/MKDIR/... replies and READDIRPLUS entries minus FORGETs). */
    long lookups;
    /** Inodes in the table whose parent is this one (they pin it). */
    int children;
    /** Open handles using this inode (see {@link InodeTable#pin}). */
    int pins;
    /** Unlinked or replaced: no longer reachable by name; keeps its last path for open handles. */
    boolean detached;
    /** Renames/removals in flight that move or remove this inode ({@link InodeTable#beginChange}). */
    int changing;
    /** Cached path and the table epoch it was computed in. */
    AlluxioPath path;
    long pathEpoch = -1;
    /** Last (mtime, size) an open saw, for {@code auto_cache}. */
    volatile long lastOpenMtimeNs = Long.MIN_VALUE;
    volatile long lastOpenSize = -1;

    // ---- write state (guarded by this) ----
    /** The handle writing this file sequentially, or null. */
    FileHandle sequentialWriter;
    /** Open handles with write access. */
    int writeHandles;
    /** Callbacks run when the sequential writer goes away. */
    List<Runnable> writerWaiters;

    // ---- open modes for FUSE passthrough (guarded by this; see PassthroughOpens) ----
    /** The backing file shared by all passthrough handles of this inode, or null. */
    io.purefuse.session.BackingFile backing;
    /**
     * The version of the data {@link #backing} holds when it is a copy (the backend's
     * {@code backingVersion}: a client-cache file), or null when it is the file itself.
     */
    String backingVersion;
    /** Open handles answered with passthrough, and those of them that may write. */
    int passthroughHandles;
    int passthroughWriters;
    /** Open handles whose I/O comes to us (the kernel may page-cache them). */
    int ownPathHandles;

    Inode(long nodeid, Inode parent, String name) {
        this.nodeid = nodeid;
        this.parent = parent;
        this.name = name;
    }

    public long nodeid() {
        return nodeid;
    }

    synchronized void addWriterWaiter(Runnable r) {
        if (writerWaiters == null) {
            writerWaiters = new ArrayList<>(2);
        }
        writerWaiters.add(r);
    }

    /** Called with the monitor NOT held. */
    void runWriterWaiters() {
        List<Runnable> w;
        synchronized (this) {
            w = writerWaiters;
            writerWaiters = null;
        }
        if (w != null) {
            for (Runnable r : w) {
                r.run();
            }
        }
    }

    @Override
    public String toString() {
        return "Inode[" + nodeid + " " + name + (detached ? " detached" : "") + " lookups=" + lookups
                + (pins > 0 ? " pins=" + pins : "") + "]";
    }
}
