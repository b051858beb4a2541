package io.purefuse.vfs;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.InvalidPathException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * nodeid &lt;-&gt; path for every inode the kernel knows or an open handle uses.
 *
 * <p>The table is a tree: each inode stores its parent and its name, and paths are computed by
 * walking up (cached per inode, invalidated wholesale by an epoch that every directory rename
 * bumps). So renaming a directory is O(1) and every descendant the table knows follows it.
 *
 * <p>Lifetime: an inode lives while the kernel holds lookups on it, an open handle pins it
 * ({@link #pin}; RELEASE is asynchronous, so a FORGET may overtake it) or a child inode pins it;
 * the root (nodeid 1) lives forever. Nodeids come from a 64-bit counter and are never reused, so the
 * generation is always 0 (nodeid + generation is unique for the life of the mount, as FUSE
 * requires).
 *
 * <p>Unlink and replace detach an inode: it is no longer found by name but keeps its nodeid
 * until the kernel forgets it. Its last path now names another file (or nothing), so
 * {@link #path} refuses it (ESTALE): open handles keep working only through the streams they
 * hold, never by re-resolving the name. {@link #lastPath} is for cache invalidation and logs.
 *
 * <p>All methods are thread safe (one monitor; every operation is a few map accesses).
 */
public final class InodeTable {
    public static final long ROOT_ID = 1;

    private record Key(long parent, String name) {}

    private final Map<Long, Inode> byId = new HashMap<>();
    private final Map<Key, Inode> byName = new HashMap<>();
    private final AtomicLong nextId = new AtomicLong(ROOT_ID + 1);
    private final Inode root;
    private final AlluxioPath rootPath;
    private long epoch;
    /** Told of every change a successor process needs to rebuild the table (takeover); may be null. */
    private Listener listener;

    /**
     * Changes of the table, in the order they happen (called under the table's lock): what a
     * {@link VfsStateLog} records so that a successor server keeps every nodeid valid.
     */
    interface Listener {
        /** A new inode {@code i} (nodeid, parent, name). */
        void created(Inode i);

        /** {@code i} has a new parent or name (rename, exchange). */
        void moved(Inode i);

        /** {@code i} is no longer reachable by name (unlinked, replaced, or forgotten). */
        void detached(Inode i);

        /** {@code i} left the table: its nodeid is never used again. */
        void dropped(Inode i);
    }

    synchronized void listener(Listener l) {
        this.listener = l;
    }

    /**
     * Takeover: puts back every inode of a predecessor's state ({@code nodeid -> {parent, name}},
     * parent 0 = detached) in any order, then makes sure new nodeids start above {@code nextNodeid}.
     */
    synchronized void restoreAll(Map<Long, Object[]> inodes, long nextNodeid) {
        Map<Long, Inode> made = new HashMap<>();
        for (Map.Entry<Long, Object[]> e : inodes.entrySet()) {
            if (e.getKey() == ROOT_ID) {
                continue;
            }
            Inode i = new Inode(e.getKey(), null, (String) e.getValue()[1]);
            i.lookups = 1L << 40;
            i.detached = true;
            made.put(i.nodeid, i);
            byId.put(i.nodeid, i);
        }
        for (Inode i : made.values()) {
            long parentId = (Long) inodes.get(i.nodeid)[0];
            Inode p = parentId == 0 ? null : byId.get(parentId);
            if (p != null) {
                i.parent = p;
                i.detached = false;
                byName.put(new Key(p.nodeid, i.name), i);
                p.children++;
            }
        }
        epoch++;
        nextId.accumulateAndGet(nextNodeid, Math::max);
        for (long id : made.keySet()) {
            if (id >= nextId.get()) {
                nextId.set(id + 1);
            }
        }
    }

    /** The next nodeid this table will hand out. */
    synchronized long nextNodeid() {
        return nextId.get();
    }

    /** @param rootPath the backend path the mount's root shows (the mounted sub-path) */
    public InodeTable(AlluxioPath rootPath) {
        this.rootPath = rootPath;
        this.root = new Inode(ROOT_ID, null, "");
        root.path = rootPath;
        root.pathEpoch = Long.MAX_VALUE; // never recomputed
        root.lookups = 1;
        byId.put(ROOT_ID, root);
    }

    public Inode root() {
        return root;
    }

    public AlluxioPath rootPath() {
        return rootPath;
    }

    public synchronized Inode get(long nodeid) {
        return byId.get(nodeid);
    }

    /** Number of live inodes (root included). */
    public synchronized int size() {
        return byId.size();
    }

    /**
     * The backend path of {@code inode}.
     *
     * @throws io.purefuse.session.FuseErrnoException ESTALE if the inode (or a directory above
     *     it) was unlinked or replaced: its old name may now belong to another file
     */
    public synchronized AlluxioPath path(Inode inode) {
        AlluxioPath p = pathLocked(inode);
        if (p == null) {
            throw Errors.fail(io.purefuse.wire.Errno.ESTALE, inode + " was unlinked or replaced");
        }
        return p;
    }

    /** The backend path of {@code inode}, or null if it (or a directory above it) is detached. */
    public synchronized AlluxioPath pathOrNull(Inode inode) {
        return pathLocked(inode);
    }

    /** Whether {@code inode} or a directory above it was unlinked or replaced. */
    public synchronized boolean isDetached(Inode inode) {
        return pathLocked(inode) == null;
    }

    /**
     * The last path {@code inode} had, also if detached (for cache invalidation and messages;
     * never to reach the file: the name may belong to another one now).
     */
    public synchronized AlluxioPath lastPath(Inode inode) {
        AlluxioPath p = pathLocked(inode);
        return p != null ? p : inode.path;
    }

    /** The path, or null if {@code inode} or an ancestor is detached. */
    private AlluxioPath pathLocked(Inode inode) {
        if (inode.detached) {
            return null;
        }
        if (inode.pathEpoch == epoch || inode == root) {
            return inode.path;
        }
        AlluxioPath p;
        try {
            AlluxioPath parent = pathLocked(inode.parent);
            if (parent == null) {
                return null;
            }
            p = parent.child(inode.name);
        } catch (InvalidPathException e) {
            // Names are validated before they enter the table.
            throw new IllegalStateException(e);
        }
        inode.path = p;
        inode.pathEpoch = epoch;
        return p;
    }

    /** The parent of {@code inode}, or null for the root and detached inodes. */
    public synchronized Inode parentOf(Inode inode) {
        return inode.parent;
    }

    /** The inode of {@code name} in {@code parent} if the table knows it; no reference taken. */
    public synchronized Inode find(Inode parent, String name) {
        return byName.get(new Key(parent.nodeid, name));
    }

    /**
     * The inode for {@code name} in {@code parent} with one more kernel lookup (creates it if
     * needed). Call only right before a reply that hands the nodeid to the kernel.
     */
    public synchronized Inode lookup(Inode parent, String name) {
        Key k = new Key(parent.nodeid, name);
        Inode i = byName.get(k);
        if (i == null) {
            i = new Inode(nextId.getAndIncrement(), parent, name);
            byName.put(k, i);
            byId.put(i.nodeid, i);
            parent.children++;
            if (listener != null) {
                listener.created(i);
            }
        }
        i.lookups++;
        return i;
    }

    /**
     * An open handle uses {@code inode}: keep it (and its write state) in the table even if the
     * kernel forgets it before the handle's RELEASE is served. Undo with {@link #unpin}.
     */
    public synchronized void pin(Inode inode) {
        inode.pins++;
    }

    /** A handle of {@code inode} was released. */
    public synchronized void unpin(Inode inode) {
        if (inode.pins > 0) {
            inode.pins--;
        }
        if (inode.detached) {
            if (inode.lookups == 0 && inode.children == 0 && inode.pins == 0) {
                byId.remove(inode.nodeid);
                if (listener != null) {
                    listener.dropped(inode);
                }
            }
        } else {
            maybeRemove(inode);
        }
    }

    /** The kernel dropped {@code n} lookups of {@code nodeid}. */
    public synchronized void forget(long nodeid, long n) {
        Inode i = byId.get(nodeid);
        if (i == null || i == root) {
            return;
        }
        i.lookups = Math.max(0, i.lookups - n);
        maybeRemove(i);
    }

    private void maybeRemove(Inode i) {
        while (i != null && i != root && i.lookups == 0 && i.children == 0 && i.pins == 0) {
            byId.remove(i.nodeid);
            if (listener != null) {
                listener.dropped(i);
            }
            Inode parent = i.parent;
            if (!i.detached) {
                byName.remove(new Key(parent.nodeid, i.name));
            }
            if (parent == null) {
                return;
            }
            // Freeze the last path before letting go of the parent.
            freezePath(i);
            i.detached = true;
            i.parent = null;
            parent.children--;
            i = parent;
        }
    }

    /** {@code name} in {@code parent} was removed (unlink, rmdir): detach its inode if known. */
    public synchronized void remove(Inode parent, String name) {
        Inode i = byName.get(new Key(parent.nodeid, name));
        if (i != null) {
            detach(i);
        }
    }

    private void freezePath(Inode i) {
        AlluxioPath p = pathLocked(i);
        if (p != null) {
            i.path = p;
        }
    }

    private void detach(Inode i) {
        freezePath(i);
        byName.remove(new Key(i.parent.nodeid, i.name));
        i.detached = true;
        Inode parent = i.parent;
        i.parent = null;
        parent.children--;
        if (i.children > 0) {
            epoch++; // cached paths below i must be recomputed (and now fail)
        }
        if (listener != null) {
            listener.detached(i);
        }
        if (i.lookups == 0 && i.children == 0 && i.pins == 0) {
            byId.remove(i.nodeid);
            if (listener != null) {
                listener.dropped(i);
            }
        }
        maybeRemove(parent);
    }

    /** A rename succeeded in the backend: move the source inode (and its subtree) to the target. */
    public synchronized void rename(Inode parent, String name, Inode newParent, String newName) {
        Inode src = byName.get(new Key(parent.nodeid, name));
        Inode dst = byName.get(new Key(newParent.nodeid, newName));
        if (dst != null && dst != src) {
            detach(dst);
        }
        if (src == null) {
            return;
        }
        byName.remove(new Key(parent.nodeid, name));
        src.parent.children--;
        src.parent = newParent;
        src.name = newName;
        newParent.children++;
        byName.put(new Key(newParent.nodeid, newName), src);
        if (listener != null) {
            listener.moved(src);
        }
        epoch++; // every cached path below src is stale
        maybeRemove(parent);
    }

    /** RENAME_EXCHANGE succeeded: swap the two entries. */
    public synchronized void exchange(Inode parent, String name, Inode newParent, String newName) {
        Key ka = new Key(parent.nodeid, name);
        Key kb = new Key(newParent.nodeid, newName);
        Inode a = byName.remove(ka);
        Inode b = byName.remove(kb);
        if (a != null) {
            a.parent.children--;
            a.parent = newParent;
            a.name = newName;
            newParent.children++;
            byName.put(kb, a);
            if (listener != null) {
                listener.moved(a);
            }
        }
        if (b != null) {
            b.parent.children--;
            b.parent = parent;
            b.name = name;
            parent.children++;
            byName.put(ka, b);
            if (listener != null) {
                listener.moved(b);
            }
        }
        epoch++;
    }
}
