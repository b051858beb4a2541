package io.purefuse.harness.memfs;

import io.netty.buffer.ByteBuf;
import io.purefuse.harness.memfs.Inode.Dirent;
import io.purefuse.session.DirectoryReply;
import io.purefuse.session.FuseErrnoException;
import io.purefuse.session.LowLevelFilesystem;
import io.purefuse.session.Request;
import io.purefuse.wire.Errno;
import io.purefuse.wire.Flags;
import io.purefuse.wire.SetattrValid;
import io.purefuse.wire.in.CopyFileRangeIn;
import io.purefuse.wire.in.SetattrIn;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.EntryOut;
import io.purefuse.wire.out.StatfsOut;
import io.purefuse.wire.out.Statx;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An in-memory filesystem served through {@link LowLevelFilesystem}: the example filesystem of
 * purefuse and the subject of its real-mount tests.
 *
 * <p>Semantics: POSIX-like inodes with nodeids handed out sequentially from 2 (never reused, so a
 * replay of the same request sequence gets the same nodeids) and lookup counts honoured by
 * FORGET: an inode is freed once it has no name, no kernel reference and no open handle.
 * Directories keep their entries sorted by name for lookup and by a per-directory cookie for
 * READDIR, so a listing resumes exactly after the last entry sent even when entries come and go.
 * File data lives in 64 KiB chunks (holes cost nothing).
 *
 * <p>Thread safety: one read/write lock. Lookups, reads, getattr and listings share the read lock
 * (kernel lookup counts and open counts are atomics); everything that changes the namespace,
 * data or attributes takes the write lock. Replies are sent after the lock is released.
 *
 * <p>No permission checks beyond {@link #access} (mount with {@code default_permissions} to have
 * the kernel enforce modes). atime is only changed by SETATTR (as if mounted noatime).
 */
public class MemFs implements LowLevelFilesystem {
    public static final long ROOT = Flags.ROOT_ID;
    /** Largest file offset MemFs accepts (EFBIG beyond). */
    public static final long MAX_FILE_SIZE = 1L << 44;
    public static final int NAME_MAX = 255;
    public static final int PATH_MAX = 4096;
    public static final int XATTR_SIZE_MAX = 65536;

    static final int O_ACCMODE = 03;
    static final int O_RDONLY = 0;
    static final int O_EXCL = 0200;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;
    static final int XATTR_CREATE = 1;
    static final int XATTR_REPLACE = 2;
    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;
    static final int FALLOC_FL_KEEP_SIZE = 1;

    /** Configuration; setters return {@code this}. */
    public static final class Options {
        private Duration entryTimeout = Duration.ofSeconds(1);
        private Duration attrTimeout = Duration.ofSeconds(1);
        private Duration negativeTimeout = Duration.ZERO;
        private long capacityBytes = 1L << 30;
        private long maxInodes = 1_000_000;
        private int rootMode = 0755;
        private int rootUid = -1;
        private int rootGid = -1;

        /** How long the kernel may cache a name (default 1 s). */
        public Options entryTimeout(Duration d) {
            entryTimeout = d;
            return this;
        }

        /** How long the kernel may cache attributes (default 1 s). */
        public Options attrTimeout(Duration d) {
            attrTimeout = d;
            return this;
        }

        /** Nonzero: missing names are answered with a negative entry cached this long (default: ENOENT). */
        public Options negativeTimeout(Duration d) {
            negativeTimeout = d;
            return this;
        }

        /** Data capacity reported by statfs and enforced (ENOSPC); default 1 GiB. */
        public Options capacityBytes(long bytes) {
            capacityBytes = bytes;
            return this;
        }

        public Options maxInodes(long n) {
            maxInodes = n;
            return this;
        }

        /** Permission bits of the root directory (default 0755). */
        public Options rootMode(int mode) {
            rootMode = mode & 07777;
            return this;
        }

        /** Owner of the root directory (default: this process's uid and gid). */
        public Options rootOwner(int uid, int gid) {
            rootUid = uid;
            rootGid = gid;
            return this;
        }
    }

    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private final Lock readLock = rw.readLock();
    private final Lock writeLock = rw.writeLock();
    private final Map<Long, Inode> inodes = new ConcurrentHashMap<>();
    private final Map<Long, Handle> handles = new ConcurrentHashMap<>();
    private final AtomicLong nextFh = new AtomicLong(1);
    private long nextNodeid = ROOT + 1;
    private long allocatedChunks;
    private final long entryNanos;
    private final long attrNanos;
    private final long negativeNanos;
    private final long capacityChunks;
    private final long maxInodes;

    /** An open file or directory. */
    private record Handle(Inode inode, int flags) {}

    public MemFs() {
        this(new Options());
    }

    public MemFs(Options o) {
        this.entryNanos = o.entryTimeout.toNanos();
        this.attrNanos = o.attrTimeout.toNanos();
        this.negativeNanos = o.negativeTimeout.toNanos();
        this.capacityChunks = Math.max(1, o.capacityBytes / FileContent.CHUNK_SIZE);
        this.maxInodes = o.maxInodes;
        int uid = o.rootUid;
        int gid = o.rootGid;
        if (uid < 0 || gid < 0) {
            uid = ownId("unix:uid");
            gid = ownId("unix:gid");
        }
        Instant now = now();
        Inode root = new Inode(ROOT, 0, Inode.S_IFDIR | o.rootMode, uid, gid, now.getEpochSecond(), now.getNano());
        root.parent = root;
        inodes.put(ROOT, root);
    }

    private static int ownId(String attribute) {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), attribute)).intValue();
        } catch (Exception e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static FuseErrnoException errno(int errno) {
        return new FuseErrnoException(errno, Errno.name(errno));
    }

    private Inode node(long nodeid) {
        Inode n = inodes.get(nodeid);
        if (n == null) {
            throw errno(Errno.ENOENT);
        }
        return n;
    }

    private Inode dir(long nodeid) {
        Inode n = node(nodeid);
        if (!n.isDir()) {
            throw errno(Errno.ENOTDIR);
        }
        return n;
    }

    private static void checkName(String name) {
        if (name.isEmpty()) {
            throw errno(Errno.ENOENT);
        }
        if (name.length() > NAME_MAX / 3 && name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
            throw errno(Errno.ENAMETOOLONG);
        }
        if (name.indexOf('/') >= 0) {
            throw errno(Errno.EINVAL);
        }
    }

    /** For names that will be created: "." and ".." exist already. */
    private static void checkNewName(Inode dir, String name) {
        checkName(name);
        if (name.equals(".") || name.equals("..") || dir.entry(name) != null) {
            throw errno(Errno.EEXIST);
        }
        if (dir.nlink == 0) {
            throw errno(Errno.ENOENT); // removed directory
        }
    }

    private Inode newInode(Request req, Inode parent, int mode) {
        if (inodes.size() >= maxInodes) {
            throw errno(Errno.ENOSPC);
        }
        Instant now = now();
        int gid = req.gid();
        if ((parent.mode & Inode.S_ISGID) != 0) {
            gid = parent.gid; // BSD group semantics in setgid directories
            if ((mode & Inode.S_IFMT) == Inode.S_IFDIR) {
                mode |= Inode.S_ISGID;
            }
        }
        Inode n = new Inode(nextNodeid++, 1, mode, req.uid(), gid, now.getEpochSecond(), now.getNano());
        inodes.put(n.nodeid, n);
        return n;
    }

    /** Links a new inode into {@code dir} and updates the directory's link count and times. */
    private void attach(Inode dir, String name, Inode child) {
        dir.addEntry(name, child);
        if (child.isDir()) {
            child.parent = dir;
            dir.nlink++;
        }
        Instant now = now();
        dir.touchMtime(now.getEpochSecond(), now.getNano());
    }

    /** Fills a lookup result and counts the kernel's new reference. Call under a lock. */
    private void fillEntry(EntryOut e, Inode n) {
        e.nodeid(n.nodeid).generation(n.generation).entryValidNanos(entryNanos).attrValidNanos(attrNanos);
        n.fill(e.attr());
        n.lookups.incrementAndGet();
    }

    /** Frees {@code n} if nothing refers to it any more. Call under the write lock. */
    private void maybeFree(Inode n) {
        if (n.nodeid != ROOT && n.nlink == 0 && n.lookups.get() <= 0 && n.opens.get() <= 0) {
            if (inodes.remove(n.nodeid, n) && n.content != null) {
                allocatedChunks -= n.content.chunkCount();
                n.content = new FileContent();
            }
        }
    }

    /** Drops one name of {@code n} (it was removed from a directory or replaced). Call under the write lock. */
    private void dropLink(Inode dir, Inode n) {
        Instant now = now();
        if (n.isDir()) {
            n.nlink = 0;
            dir.nlink--;
        } else {
            n.nlink--;
        }
        n.touchCtime(now.getEpochSecond(), now.getNano());
        maybeFree(n);
    }

    private static boolean isAncestorOrSelf(Inode ancestor, Inode dir) {
        for (Inode d = dir; ; d = d.parent) {
            if (d == ancestor) {
                return true;
            }
            if (d.nodeid == ROOT || d.parent == null || d.parent == d) {
                return false;
            }
        }
    }

    private void reserveChunks(FileContent c, long offset, long length) {
        long needed = c.chunksNeeded(offset, length);
        if (needed > 0 && allocatedChunks + needed > capacityChunks) {
            throw errno(Errno.ENOSPC);
        }
    }

    private void truncate(Inode n, long size) {
        if (size < 0) {
            throw errno(Errno.EINVAL);
        }
        if (size > MAX_FILE_SIZE) {
            throw errno(Errno.EFBIG);
        }
        FileContent c = n.content;
        int before = c.chunkCount();
        c.truncate(size);
        allocatedChunks += c.chunkCount() - before;
    }

    /**
     * The clock for every timestamp MemFs sets. A subclass that rebuilds its state by running
     * the same requests again ({@link TakeoverMemFs}) returns the time of the first run.
     */
    protected Instant now() {
        return Instant.now();
    }

    /**
     * After a takeover the kernel may hold references to any inode its predecessor handed out,
     * and their counts are unknown: keep every inode until this process ends (a FORGET can
     * then never free one the kernel still uses; the price is that inodes unlinked before the
     * takeover are not freed before the next one).
     */
    void assumeKernelReferences() {
        writeLock.lock();
        try {
            for (Inode n : inodes.values()) {
                if (n.lookups.get() < (1L << 40)) {
                    n.lookups.addAndGet(1L << 40);
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    // ---------------------------------------------------------------- test and tool accessors

    /** Inodes currently allocated, the root included. */
    public int inodeCount() {
        return inodes.size();
    }

    /** The kernel's lookup count of {@code nodeid} as MemFs sees it, or -1 if the inode is gone. */
    public long lookupCount(long nodeid) {
        Inode n = inodes.get(nodeid);
        return n == null ? -1 : n.lookups.get();
    }

    /** Open file and directory handles. */
    public int openHandleCount() {
        return handles.size();
    }

    /** Bytes of chunk storage in use. */
    public long allocatedBytes() {
        readLock.lock();
        try {
            return allocatedChunks * FileContent.CHUNK_SIZE;
        } finally {
            readLock.unlock();
        }
    }

    // ---------------------------------------------------------------- names

    @Override
    public void lookup(Request req, long parent, String name) {
        EntryOut e = req.entry();
        readLock.lock();
        try {
            Inode dir = dir(parent);
            checkName(name);
            Inode child;
            if (name.equals(".")) {
                child = dir;
            } else if (name.equals("..")) {
                child = dir.parent;
            } else {
                Dirent d = dir.entry(name);
                child = d == null ? null : d.inode;
            }
            if (child == null) {
                if (negativeNanos <= 0) {
                    throw errno(Errno.ENOENT);
                }
                e.entryValidNanos(negativeNanos); // nodeid 0: a cached absence
            } else {
                fillEntry(e, child);
            }
        } finally {
            readLock.unlock();
        }
        req.replyEntry(e);
    }

    @Override
    public void forget(long nodeid, long nlookup) {
        writeLock.lock();
        try {
            Inode n = inodes.get(nodeid);
            if (n != null && nodeid != ROOT) {
                if (n.lookups.addAndGet(-nlookup) < 0) {
                    n.lookups.set(0);
                }
                maybeFree(n);
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void getattr(Request req, long nodeid, long fh) {
        Attr a = req.attr();
        readLock.lock();
        try {
            node(nodeid).fill(a);
        } finally {
            readLock.unlock();
        }
        req.replyAttr(a, attrNanos);
    }

    @Override
    public void statx(Request req, long nodeid, long fh, int sxFlags, int sxMask) {
        Statx s = req.statxOut();
        readLock.lock();
        try {
            node(nodeid).fill(s);
        } finally {
            readLock.unlock();
        }
        req.replyStatx(s, attrNanos, 0);
    }

    @Override
    public void setattr(Request req, long nodeid, SetattrIn in) {
        Attr a = req.attr();
        writeLock.lock();
        try {
            Inode n = node(nodeid);
            int valid = in.valid();
            Instant now = now();
            long sec = now.getEpochSecond();
            int nsec = now.getNano();
            boolean changed = false;
            if ((valid & SetattrValid.FATTR_SIZE) != 0) {
                if (n.isDir()) {
                    throw errno(Errno.EISDIR);
                }
                if (!n.isRegular()) {
                    throw errno(Errno.EINVAL);
                }
                truncate(n, in.size());
                n.touchMtime(sec, nsec);
                changed = true;
            }
            if ((valid & SetattrValid.FATTR_MODE) != 0) {
                n.mode = (n.mode & Inode.S_IFMT) | (in.mode() & 07777);
                changed = true;
            }
            if ((valid & SetattrValid.FATTR_UID) != 0) {
                n.uid = in.uid();
                changed = true;
            }
            if ((valid & SetattrValid.FATTR_GID) != 0) {
                n.gid = in.gid();
                changed = true;
            }
            if ((valid & SetattrValid.FATTR_KILL_SUIDGID) != 0 && !n.isDir()) {
                n.mode &= ~(Inode.S_ISUID | Inode.S_ISGID);
                changed = true;
            }
            if ((valid & SetattrValid.FATTR_ATIME) != 0) {
                if ((valid & SetattrValid.FATTR_ATIME_NOW) != 0) {
                    n.atimeSec = sec;
                    n.atimeNsec = nsec;
                } else {
                    n.atimeSec = in.atime();
                    n.atimeNsec = in.atimensec();
                }
                changed = true;
            }
            if ((valid & SetattrValid.FATTR_MTIME) != 0) {
                if ((valid & SetattrValid.FATTR_MTIME_NOW) != 0) {
                    n.mtimeSec = sec;
                    n.mtimeNsec = nsec;
                } else {
                    n.mtimeSec = in.mtime();
                    n.mtimeNsec = in.mtimensec();
                }
                changed = true;
            }
            if ((valid & SetattrValid.FATTR_CTIME) != 0) {
                n.touchCtime(in.ctime(), in.ctimensec());
            } else if (changed) {
                n.touchCtime(sec, nsec);
            }
            n.fill(a);
        } finally {
            writeLock.unlock();
        }
        req.replyAttr(a, attrNanos);
    }

    @Override
    public void readlink(Request req, long nodeid) {
        byte[] target;
        readLock.lock();
        try {
            Inode n = node(nodeid);
            if (!n.isSymlink()) {
                throw errno(Errno.EINVAL);
            }
            target = n.target;
        } finally {
            readLock.unlock();
        }
        req.replyData(target, 0, target.length);
    }

    @Override
    public void symlink(Request req, long parent, String name, String target) {
        byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= PATH_MAX) {
            throw errno(Errno.ENAMETOOLONG);
        }
        EntryOut e = req.entry();
        writeLock.lock();
        try {
            Inode dir = dir(parent);
            checkNewName(dir, name);
            Inode n = newInode(req, dir, Inode.S_IFLNK | 0777);
            n.target = bytes;
            attach(dir, name, n);
            fillEntry(e, n);
        } finally {
            writeLock.unlock();
        }
        req.replyEntry(e);
    }

    @Override
    public void mknod(Request req, long parent, String name, int mode, int rdev, int umask) {
        int type = mode & Inode.S_IFMT;
        if (type == 0) {
            type = Inode.S_IFREG;
        }
        switch (type) {
            case Inode.S_IFREG, Inode.S_IFIFO, Inode.S_IFSOCK, Inode.S_IFCHR, Inode.S_IFBLK -> { }
            default -> throw errno(Errno.EINVAL);
        }
        EntryOut e = req.entry();
        writeLock.lock();
        try {
            Inode dir = dir(parent);
            checkNewName(dir, name);
            Inode n = newInode(req, dir, type | (mode & ~umask & 07777));
            if (type == Inode.S_IFCHR || type == Inode.S_IFBLK) {
                n.rdev = rdev;
            }
            attach(dir, name, n);
            fillEntry(e, n);
        } finally {
            writeLock.unlock();
        }
        req.replyEntry(e);
    }

    @Override
    public void mkdir(Request req, long parent, String name, int mode, int umask) {
        EntryOut e = req.entry();
        writeLock.lock();
        try {
            Inode dir = dir(parent);
            checkNewName(dir, name);
            Inode n = newInode(req, dir, Inode.S_IFDIR | (mode & ~umask & 07777));
            attach(dir, name, n);
            fillEntry(e, n);
        } finally {
            writeLock.unlock();
        }
        req.replyEntry(e);
    }

    @Override
    public void unlink(Request req, long parent, String name) {
        writeLock.lock();
        try {
            Inode dir = dir(parent);
            checkName(name);
            Dirent d = dir.entry(name);
            if (d == null) {
                throw errno(name.equals(".") || name.equals("..") ? Errno.EISDIR : Errno.ENOENT);
            }
            if (d.inode.isDir()) {
                throw errno(Errno.EISDIR);
            }
            dir.removeEntry(name);
            Instant now = now();
            dir.touchMtime(now.getEpochSecond(), now.getNano());
            dropLink(dir, d.inode);
        } finally {
            writeLock.unlock();
        }
        req.replyOk();
    }

    @Override
    public void rmdir(Request req, long parent, String name) {
        writeLock.lock();
        try {
            Inode dir = dir(parent);
            checkName(name);
            if (name.equals(".")) {
                throw errno(Errno.EINVAL);
            }
            if (name.equals("..")) {
                throw errno(Errno.ENOTEMPTY);
            }
            Dirent d = dir.entry(name);
            if (d == null) {
                throw errno(Errno.ENOENT);
            }
            if (!d.inode.isDir()) {
                throw errno(Errno.ENOTDIR);
            }
            if (!d.inode.byName.isEmpty()) {
                throw errno(Errno.ENOTEMPTY);
            }
            dir.removeEntry(name);
            Instant now = now();
            dir.touchMtime(now.getEpochSecond(), now.getNano());
            dropLink(dir, d.inode);
        } finally {
            writeLock.unlock();
        }
        req.replyOk();
    }

    @Override
    public void rename(Request req, long parent, String name, long newParent, String newName, int flags) {
        if ((flags & ~(Flags.RENAME_NOREPLACE | Flags.RENAME_EXCHANGE)) != 0
                || (flags & Flags.RENAME_NOREPLACE) != 0 && (flags & Flags.RENAME_EXCHANGE) != 0) {
            throw errno(Errno.EINVAL); // RENAME_WHITEOUT (overlayfs) is not supported
        }
        writeLock.lock();
        try {
            renameLocked(parent, name, newParent, newName, flags);
        } finally {
            writeLock.unlock();
        }
        req.replyOk();
    }

    private void renameLocked(long parent, String name, long newParent, String newName, int flags) {
        Inode sp = dir(parent);
        Inode tp = dir(newParent);
        checkName(name);
        checkName(newName);
        if (name.equals(".") || name.equals("..") || newName.equals(".") || newName.equals("..")) {
            throw errno(Errno.EBUSY);
        }
        Dirent se = sp.entry(name);
        if (se == null) {
            throw errno(Errno.ENOENT);
        }
        Dirent te = tp.entry(newName);
        Inode s = se.inode;
        Instant now = now();
        long sec = now.getEpochSecond();
        int nsec = now.getNano();
        if ((flags & Flags.RENAME_EXCHANGE) != 0) {
            if (te == null) {
                throw errno(Errno.ENOENT);
            }
            Inode t = te.inode;
            if (s == t) {
                return;
            }
            if (s.isDir() && isAncestorOrSelf(s, tp) || t.isDir() && isAncestorOrSelf(t, sp)) {
                throw errno(Errno.EINVAL);
            }
            se.inode = t;
            te.inode = s;
            if (sp != tp) {
                if (s.isDir()) {
                    s.parent = tp;
                    sp.nlink--;
                    tp.nlink++;
                }
                if (t.isDir()) {
                    t.parent = sp;
                    tp.nlink--;
                    sp.nlink++;
                }
            }
            s.touchCtime(sec, nsec);
            t.touchCtime(sec, nsec);
            sp.touchMtime(sec, nsec);
            tp.touchMtime(sec, nsec);
            return;
        }
        if (te != null) {
            if ((flags & Flags.RENAME_NOREPLACE) != 0) {
                throw errno(Errno.EEXIST);
            }
            if (te.inode == s) {
                return; // two names of one file: POSIX says do nothing
            }
        }
        if (s.isDir() && isAncestorOrSelf(s, tp)) {
            throw errno(Errno.EINVAL);
        }
        if (te != null) {
            Inode t = te.inode;
            if (s.isDir()) {
                if (!t.isDir()) {
                    throw errno(Errno.ENOTDIR);
                }
                if (!t.byName.isEmpty()) {
                    throw errno(Errno.ENOTEMPTY);
                }
            } else if (t.isDir()) {
                throw errno(Errno.EISDIR);
            }
            tp.removeEntry(newName);
            dropLink(tp, t);
        }
        sp.removeEntry(name);
        tp.addEntry(newName, s);
        if (s.isDir() && sp != tp) {
            s.parent = tp;
            sp.nlink--;
            tp.nlink++;
        }
        s.touchCtime(sec, nsec);
        sp.touchMtime(sec, nsec);
        tp.touchMtime(sec, nsec);
    }

    @Override
    public void link(Request req, long nodeid, long newParent, String newName) {
        EntryOut e = req.entry();
        writeLock.lock();
        try {
            Inode n = node(nodeid);
            Inode dir = dir(newParent);
            if (n.isDir()) {
                throw errno(Errno.EPERM);
            }
            checkNewName(dir, newName);
            if (n.nlink == 0) {
                throw errno(Errno.ENOENT);
            }
            n.nlink++;
            Instant now = now();
            n.touchCtime(now.getEpochSecond(), now.getNano());
            dir.addEntry(newName, n);
            dir.touchMtime(now.getEpochSecond(), now.getNano());
            fillEntry(e, n);
        } finally {
            writeLock.unlock();
        }
        req.replyEntry(e);
    }

    // ---------------------------------------------------------------- files

    /** FOPEN_* flags for an OPEN or CREATE reply; subclasses may ask for direct I/O etc. */
    protected int openReplyFlags(long nodeid, int openFlags) {
        return 0;
    }

    private long newHandle(Inode n, int flags) {
        long fh = nextFh.getAndIncrement();
        n.opens.incrementAndGet();
        handles.put(fh, new Handle(n, flags));
        return fh;
    }

    @Override
    public void open(Request req, long nodeid, int flags) {
        long fh;
        writeLock.lock();
        try {
            Inode n = node(nodeid);
            if (n.isDir()) {
                throw errno(Errno.EISDIR);
            }
            if ((flags & O_TRUNC) != 0 && (flags & O_ACCMODE) != O_RDONLY && n.isRegular()) {
                truncate(n, 0);
                Instant now = now();
                n.touchMtime(now.getEpochSecond(), now.getNano());
            }
            fh = newHandle(n, flags);
        } finally {
            writeLock.unlock();
        }
        req.replyOpen(fh, openReplyFlags(nodeid, flags));
    }

    @Override
    public void create(Request req, long parent, String name, int mode, int umask, int flags) {
        EntryOut e = req.entry();
        long fh;
        long nodeid;
        writeLock.lock();
        try {
            Inode dir = dir(parent);
            checkName(name);
            Dirent existing = dir.entry(name);
            Inode n;
            if (existing != null) {
                // Raced with another creator: behave like open(O_CREAT) on an existing file.
                if ((flags & O_EXCL) != 0) {
                    throw errno(Errno.EEXIST);
                }
                n = existing.inode;
                if (n.isDir()) {
                    throw errno(Errno.EISDIR);
                }
                if ((flags & O_TRUNC) != 0 && n.isRegular()) {
                    truncate(n, 0);
                }
            } else {
                checkNewName(dir, name);
                n = newInode(req, dir, Inode.S_IFREG | (mode & ~umask & 07777));
                attach(dir, name, n);
            }
            fh = newHandle(n, flags);
            nodeid = n.nodeid;
            fillEntry(e, n);
        } finally {
            writeLock.unlock();
        }
        req.replyCreate(e, fh, openReplyFlags(nodeid, flags));
    }

    @Override
    public void read(Request req, long nodeid, long fh, long offset, int size, int flags) {
        ByteBuf buf;
        readLock.lock();
        try {
            Inode n = node(nodeid);
            if (n.isDir()) {
                throw errno(Errno.EISDIR);
            }
            if (!n.isRegular()) {
                throw errno(Errno.EINVAL);
            }
            if (offset < 0) {
                throw errno(Errno.EINVAL);
            }
            long avail = Math.max(0, n.content.size() - offset);
            int len = (int) Math.min(size, avail);
            buf = req.alloc().directBuffer(len, Math.max(len, 1));
            try {
                n.content.read(offset, len, buf);
            } catch (RuntimeException e) {
                buf.release();
                throw e;
            }
        } finally {
            readLock.unlock();
        }
        req.replyData(buf);
    }

    @Override
    public void write(Request req, long nodeid, long fh, long offset, ByteBuf data, int writeFlags, int flags) {
        int n = data.readableBytes();
        writeLock.lock();
        try {
            Inode node = node(nodeid);
            if (!node.isRegular()) {
                throw errno(node.isDir() ? Errno.EISDIR : Errno.EINVAL);
            }
            Handle h = handles.get(fh);
            long pos = h != null && (h.flags() & O_APPEND) != 0 ? node.content.size() : offset;
            if (pos < 0) {
                throw errno(Errno.EINVAL);
            }
            if (pos + n > MAX_FILE_SIZE) {
                throw errno(Errno.EFBIG);
            }
            FileContent c = node.content;
            reserveChunks(c, pos, n);
            int before = c.chunkCount();
            c.write(pos, data);
            allocatedChunks += c.chunkCount() - before;
            Instant now = now();
            node.touchMtime(now.getEpochSecond(), now.getNano());
            if ((writeFlags & Flags.WRITE_KILL_SUIDGID) != 0) {
                node.mode &= ~(Inode.S_ISUID | Inode.S_ISGID);
            }
        } finally {
            writeLock.unlock();
        }
        req.replyWrite(n);
    }

    @Override
    public void flush(Request req, long nodeid, long fh, long lockOwner) {
        req.replyOk();
    }

    @Override
    public void release(Request req, long nodeid, long fh, int flags, int releaseFlags, long lockOwner) {
        closeHandle(fh);
        req.replyOk();
    }

    private void closeHandle(long fh) {
        writeLock.lock();
        try {
            Handle h = handles.remove(fh);
            if (h != null) {
                h.inode().opens.decrementAndGet();
                maybeFree(h.inode());
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void fsync(Request req, long nodeid, long fh, boolean datasync) {
        req.replyOk();
    }

    @Override
    public void fallocate(Request req, long nodeid, long fh, long offset, long length, int mode) {
        if ((mode & ~FALLOC_FL_KEEP_SIZE) != 0) {
            throw errno(Errno.EOPNOTSUPP);
        }
        if (offset < 0 || length <= 0) {
            throw errno(Errno.EINVAL);
        }
        writeLock.lock();
        try {
            Inode n = node(nodeid);
            if (!n.isRegular()) {
                throw errno(n.isDir() ? Errno.EISDIR : Errno.ENODEV);
            }
            if (offset + length > MAX_FILE_SIZE) {
                throw errno(Errno.EFBIG);
            }
            FileContent c = n.content;
            reserveChunks(c, offset, length);
            int before = c.chunkCount();
            boolean keep = (mode & FALLOC_FL_KEEP_SIZE) != 0;
            long oldSize = c.size();
            c.allocate(offset, length, keep);
            allocatedChunks += c.chunkCount() - before;
            if (c.size() != oldSize) {
                Instant now = now();
                n.touchMtime(now.getEpochSecond(), now.getNano());
            }
        } finally {
            writeLock.unlock();
        }
        req.replyOk();
    }

    @Override
    public void lseek(Request req, long nodeid, long fh, long offset, int whence) {
        long result;
        readLock.lock();
        try {
            Inode n = node(nodeid);
            if (!n.isRegular()) {
                throw errno(Errno.EINVAL);
            }
            if (whence == SEEK_DATA) {
                result = n.content.nextData(offset);
            } else if (whence == SEEK_HOLE) {
                result = n.content.nextHole(offset);
            } else {
                throw errno(Errno.EINVAL);
            }
            if (result < 0) {
                throw errno(Errno.ENXIO);
            }
        } finally {
            readLock.unlock();
        }
        req.replyLseek(result);
    }

    @Override
    public void copyFileRange(Request req, CopyFileRangeIn in) {
        long len = in.len();
        long copied;
        writeLock.lock();
        try {
            Inode src = node(req.nodeid());
            Inode dst = node(in.nodeidOut());
            if (!src.isRegular() || !dst.isRegular()) {
                throw errno(src.isDir() || dst.isDir() ? Errno.EISDIR : Errno.EINVAL);
            }
            long offIn = in.offIn();
            long offOut = in.offOut();
            long avail = Math.max(0, src.content.size() - offIn);
            long total = Math.min(len, avail);
            // The reply of COPY_FILE_RANGE (not _64) holds a u32: stay below 2 GiB.
            total = Math.min(total, Integer.MAX_VALUE & ~0xfffL);
            if (offOut + total > MAX_FILE_SIZE) {
                throw errno(Errno.EFBIG);
            }
            reserveChunks(dst.content, offOut, total);
            byte[] tmp = new byte[(int) Math.min(total, 1 << 20)];
            copied = 0;
            int before = dst.content.chunkCount();
            while (copied < total) {
                int n = (int) Math.min(tmp.length, total - copied);
                src.content.read(offIn + copied, tmp, 0, n);
                dst.content.write(offOut + copied, tmp, 0, n);
                copied += n;
            }
            allocatedChunks += dst.content.chunkCount() - before;
            if (copied > 0) {
                Instant now = now();
                dst.touchMtime(now.getEpochSecond(), now.getNano());
            }
        } finally {
            writeLock.unlock();
        }
        req.replyCopyFileRange(copied);
    }

    // ---------------------------------------------------------------- directories

    @Override
    public void opendir(Request req, long nodeid, int flags) {
        long fh;
        readLock.lock();
        try {
            fh = newHandle(dir(nodeid), flags);
        } finally {
            readLock.unlock();
        }
        req.replyOpen(fh, 0);
    }

    @Override
    public void releasedir(Request req, long nodeid, long fh, int flags) {
        closeHandle(fh);
        req.replyOk();
    }

    @Override
    public void fsyncdir(Request req, long nodeid, long fh, boolean datasync) {
        req.replyOk();
    }

    @Override
    public void readdir(Request req, long nodeid, long fh, long offset, int size) {
        list(req, nodeid, offset, size, false);
    }

    @Override
    public void readdirplus(Request req, long nodeid, long fh, long offset, int size) {
        list(req, nodeid, offset, size, true);
    }

    /**
     * Cookies: "." is 1, ".." is 2, every other entry keeps the cookie it got when it was linked
     * (increasing per directory). An entry's next-offset is its own cookie, so the next READDIR
     * continues with the first entry whose cookie is larger.
     */
    private void list(Request req, long nodeid, long offset, int size, boolean plus) {
        DirectoryReply r;
        readLock.lock();
        try {
            Inode dir = dir(nodeid);
            r = req.directoryReply(size);
            EntryOut e = plus ? new EntryOut() : null;
            boolean full = false;
            if (offset < 1) {
                full = !addDot(r, e, ".", dir, 1);
            }
            if (!full && offset < 2) {
                full = !addDot(r, e, "..", dir.parent, 2);
            }
            if (!full) {
                for (Dirent d : dir.byCookie.tailMap(Math.max(offset, 2), false).values()) {
                    Inode child = d.inode;
                    boolean added;
                    if (plus) {
                        e.clear();
                        e.nodeid(child.nodeid).generation(child.generation)
                                .entryValidNanos(entryNanos).attrValidNanos(attrNanos);
                        child.fill(e.attr());
                        added = r.addPlus(d.name, e, d.cookie);
                        if (added) {
                            child.lookups.incrementAndGet();
                        }
                    } else {
                        added = r.add(d.name, child.nodeid, child.direntType(), d.cookie);
                    }
                    if (!added) {
                        break;
                    }
                }
            }
        } finally {
            readLock.unlock();
        }
        r.send();
    }

    private static boolean addDot(DirectoryReply r, EntryOut e, String name, Inode n, long cookie) {
        if (e == null) {
            return r.add(name, n.nodeid, n.direntType(), cookie);
        }
        e.clear();
        n.fill(e.attr()); // nodeid 0: no lookup reference for "." and ".."
        return r.addPlus(name, e, cookie);
    }

    // ---------------------------------------------------------------- xattrs, statfs, access

    private static void checkXattrNamespace(String name) {
        if (!(name.startsWith("user.") || name.startsWith("trusted.") || name.startsWith("security."))) {
            throw errno(Errno.EOPNOTSUPP);
        }
    }

    @Override
    public void setxattr(Request req, long nodeid, String name, ByteBuf value, int flags) {
        checkXattrNamespace(name);
        if (name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
            throw errno(Errno.ERANGE);
        }
        if (value.readableBytes() > XATTR_SIZE_MAX) {
            throw errno(Errno.E2BIG);
        }
        byte[] bytes = new byte[value.readableBytes()];
        value.getBytes(value.readerIndex(), bytes);
        writeLock.lock();
        try {
            Inode n = node(nodeid);
            boolean exists = n.xattrs != null && n.xattrs.containsKey(name);
            if ((flags & XATTR_CREATE) != 0 && exists) {
                throw errno(Errno.EEXIST);
            }
            if ((flags & XATTR_REPLACE) != 0 && !exists) {
                throw errno(Errno.ENODATA);
            }
            if (n.xattrs == null) {
                n.xattrs = new TreeMap<>();
            }
            n.xattrs.put(name, bytes);
            Instant now = now();
            n.touchCtime(now.getEpochSecond(), now.getNano());
        } finally {
            writeLock.unlock();
        }
        req.replyOk();
    }

    @Override
    public void getxattr(Request req, long nodeid, String name, int size) {
        byte[] value;
        readLock.lock();
        try {
            Inode n = node(nodeid);
            value = n.xattrs == null ? null : n.xattrs.get(name);
        } finally {
            readLock.unlock();
        }
        if (value == null) {
            throw errno(Errno.ENODATA);
        }
        if (size == 0) {
            req.replyXattrSize(value.length);
        } else if (size < value.length) {
            throw errno(Errno.ERANGE);
        } else {
            req.replyData(value, 0, value.length);
        }
    }

    @Override
    public void listxattr(Request req, long nodeid, int size) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        readLock.lock();
        try {
            Inode n = node(nodeid);
            if (n.xattrs != null) {
                for (String name : n.xattrs.keySet()) {
                    list.writeBytes(name.getBytes(StandardCharsets.UTF_8));
                    list.write(0);
                }
            }
        } finally {
            readLock.unlock();
        }
        if (size == 0) {
            req.replyXattrSize(list.size());
        } else if (size < list.size()) {
            throw errno(Errno.ERANGE);
        } else {
            byte[] bytes = list.toByteArray();
            req.replyData(bytes, 0, bytes.length);
        }
    }

    @Override
    public void removexattr(Request req, long nodeid, String name) {
        writeLock.lock();
        try {
            Inode n = node(nodeid);
            if (n.xattrs == null || n.xattrs.remove(name) == null) {
                throw errno(Errno.ENODATA);
            }
            Instant now = now();
            n.touchCtime(now.getEpochSecond(), now.getNano());
        } finally {
            writeLock.unlock();
        }
        req.replyOk();
    }

    @Override
    public void statfs(Request req, long nodeid) {
        StatfsOut s = req.statfsOut();
        readLock.lock();
        try {
            long blockSize = 4096;
            long blocks = capacityChunks * (FileContent.CHUNK_SIZE / blockSize);
            long used = allocatedChunks * (FileContent.CHUNK_SIZE / blockSize);
            long free = Math.max(0, blocks - used);
            long files = maxInodes;
            long ffree = Math.max(0, files - inodes.size());
            s.set(blocks, free, free, files, ffree, (int) blockSize, NAME_MAX, (int) blockSize);
        } finally {
            readLock.unlock();
        }
        req.replyStatfs(s);
    }

    @Override
    public void access(Request req, long nodeid, int mask) {
        boolean ok;
        readLock.lock();
        try {
            Inode n = node(nodeid);
            ok = permits(n, req.uid(), req.gid(), mask & 7);
        } finally {
            readLock.unlock();
        }
        if (ok) {
            req.replyOk();
        } else {
            req.replyError(Errno.EACCES);
        }
    }

    /** Classic owner / group / other check; root may do anything but execute a file with no x bit. */
    static boolean permits(Inode n, int uid, int gid, int mask) {
        if (mask == 0) {
            return true;
        }
        if (uid == 0) {
            return (mask & 1) == 0 || n.isDir() || (n.mode & 0111) != 0;
        }
        int bits;
        if (uid == n.uid) {
            bits = (n.mode >>> 6) & 7;
        } else if (gid == n.gid) {
            bits = (n.mode >>> 3) & 7;
        } else {
            bits = n.mode & 7;
        }
        return (bits & mask) == mask;
    }

    @Override
    public void syncfs(Request req, long nodeid) {
        req.replyOk();
    }
}
