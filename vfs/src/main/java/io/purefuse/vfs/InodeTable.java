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
 * <p>Renames and removals: the handler marks the names and inodes involved
 * ({@link #beginChange}) before it calls the backend, applies the change to the table
 * ({@link #rename}, {@link #exchange}, {@link #remove}) and clears the marks
 * ({@link #endChange}). While an inode or a directory above it is marked, {@link #path} and
 * {@link #pathOrNull} wait, and so does {@link #awaitName} for a marked name: nobody resolves the
 * old name after the backend moved or removed the entry but before the table follows. A lookup
 * that read the store before a change began and reaches the table after it notices
 * ({@link #lookupIfUnchanged}) and starts again. A path resolved before a change began can still
 * reach the store after it: the store then answers for the new state (ENOENT for a moved name).
 *
 * <p>All methods are thread safe (one monitor; every operation is a few map accesses).
 */
public final class InodeTable {
    public static final long ROOT_ID = 1;

    private record Key(long parent, String name) {}

    private final Map<Long, Inode> byId = new HashMap<>();
    private final Map<Key, Inode> byName = new HashMap<>();
    private final AtomicLong nextId = new AtomicLong(ROOT_ID + 1);
    /** How long a reader waits for a change to settle before going ahead anyway. */
    static final long CHANGE_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    /** Names a change in flight is about to move or remove, with a count. */
    private final Map<Key, Integer> changingNames = new HashMap<>();
    /** Changes in flight (0: no reader needs to look at marks). */
    private int changes;
    /** Bumped when a change begins or ends. */
    private long changeSeq;
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
        awaitSettled(inode);
        AlluxioPath p = pathLocked(inode);
        if (p == null) {
            throw Errors.fail(io.purefuse.wire.Errno.ESTALE, inode + " was unlinked or replaced");
        }
        return p;
    }

    /** The backend path of {@code inode}, or null if it (or a directory above it) is detached. */
    public synchronized AlluxioPath pathOrNull(Inode inode) {
        awaitSettled(inode);
        return pathLocked(inode);
    }

    // ------------------------------------------------------------------ changes in flight

    /** The names and inodes one rename or removal marked; see {@link #beginChange}. */
    public static final class Change {
        private final Key[] keys;
        private final Inode[] inodes;
        private boolean ended;

        private Change(Key[] keys, Inode[] inodes) {
            this.keys = keys;
            this.inodes = inodes;
        }
    }

    /**
     * Marks {@code name} in {@code parent} (and, for a rename, {@code newName} in
     * {@code newParent}; null otherwise) and the inodes known under them as changing. Call right
     * before the backend call; always follow with {@link #endChange}, after the table update.
     */
    public synchronized Change beginChange(Inode parent, String name, Inode newParent, String newName) {
        Key a = new Key(parent.nodeid, name);
        Key b = newParent == null ? null : new Key(newParent.nodeid, newName);
        Key[] keys = b == null || b.equals(a) ? new Key[] {a} : new Key[] {a, b};
        Inode[] inodes = new Inode[keys.length];
        for (int i = 0; i < keys.length; i++) {
            changingNames.merge(keys[i], 1, Integer::sum);
            Inode ino = byName.get(keys[i]);
            if (ino != null) {
                ino.changing++;
                inodes[i] = ino;
            }
        }
        changes++;
        changeSeq++;
        return new Change(keys, inodes);
    }

    /** Clears the marks of {@code c} (idempotent) and wakes the readers that waited for them. */
    public synchronized void endChange(Change c) {
        if (c.ended) {
            return;
        }
        c.ended = true;
        for (Key k : c.keys) {
            changingNames.computeIfPresent(k, (key, n) -> n <= 1 ? null : n - 1);
        }
        for (Inode i : c.inodes) {
            if (i != null) {
                i.changing--;
            }
        }
        changes--;
        changeSeq++;
        notifyAll();
    }

    /**
     * Waits while {@code name} in {@code parent} is being moved or removed, then returns a token
     * for {@link #lookupIfUnchanged}.
     */
    public synchronized long awaitName(Inode parent, String name) {
        if (changes > 0) {
            Key k = new Key(parent.nodeid, name);
            long deadline = System.nanoTime() + CHANGE_WAIT_NANOS;
            while (changingNames.containsKey(k) || isChanging(parent)) {
                if (!waitUntil(deadline)) {
                    break;
                }
            }
        }
        return changeSeq;
    }

    /**
     * {@link #lookup}, unless a rename or removal began or ended since {@code token} (from
     * {@link #awaitName}) was taken: then null, and the caller looks the name up again.
     */
    public synchronized Inode lookupIfUnchanged(Inode parent, String name, long token) {
        if (token != changeSeq) {
            return null;
        }
        return lookup(parent, name);
    }

    /** Waits while {@code inode} or a directory above it is marked as changing. */
    private void awaitSettled(Inode inode) {
        if (changes == 0) {
            return;
        }
        long deadline = System.nanoTime() + CHANGE_WAIT_NANOS;
        while (isChanging(inode)) {
            if (!waitUntil(deadline)) {
                return;
            }
        }
    }

    private boolean isChanging(Inode inode) {
        for (Inode i = inode; i != null; i = i.parent) {
            if (i.changing > 0) {
                return true;
            }
        }
        return false;
    }

    /** One wait on the monitor; false once the deadline passed (the caller goes ahead). */
    private boolean waitUntil(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            org.slf4j.LoggerFactory.getLogger(InodeTable.class)
                    .warn("a rename or removal has not finished within 30 s; resolving paths anyway");
            return false;
        }
        try {
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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
