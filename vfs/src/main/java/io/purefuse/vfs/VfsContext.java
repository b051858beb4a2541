package io.purefuse.vfs;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.InvalidPathException;
import io.purefuse.backend.NotFoundException;
import io.purefuse.session.Request;
import io.purefuse.wire.Errno;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.EntryOut;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the request handlers of one mount share: the backend, options, {@link InodeTable},
 * {@link MetadataCache}, the open file and directory handles by {@code fh}, the timer, and
 * the helpers every handler uses to resolve nodeids, read statuses and fill attributes and
 * entries. Thread safe.
 */
final class VfsContext {
    private static final Logger LOG = LoggerFactory.getLogger(VfsContext.class);

    static final int O_ACCMODE = 3;
    static final int O_RDONLY = 0;
    static final int O_EXCL = 0200;
    static final int O_TRUNC = 01000;
    /** O_DIRECT as the kernel reports it in WRITE's {@code flags} (the value differs on aarch64). */
    static final int O_DIRECT = "aarch64".equals(System.getProperty("os.arch")) ? 0200000 : 040000;
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int W_OK = 2;
    /** st_blksize: the preferred I/O size (cp, dd and friends size their buffers after it). */
    static final int BLKSIZE = 1 << 20;
    /** statfs numbers for a store that reports no capacity: 1 EiB, 2^40 files. */
    static final long UNBOUNDED_BLOCKS = (1L << 60) / 4096;
    static final long UNBOUNDED_FILES = 1L << 40;

    private final FileSystemBackend backend;
    private final VfsOptions options;
    private final Set<Capability> caps;
    private final boolean stableIds;
    private final InodeTable table;
    private final MetadataCache metadata;
    private final Map<Long, FileHandle> handles;
    private final Map<Long, DirHandle> dirs;
    /**
     * Write handles whose writer died with a previous server (takeover): their data stream is
     * gone, so WRITE, FLUSH and FSYNC on them fail EIO instead of losing data silently.
     */
    private final Set<Long> lostWriters = ConcurrentHashMap.newKeySet();
    private final VfsStateLog state;
    private final Map<Long, Runnable> lostModes = new ConcurrentHashMap<>();
    private final AtomicLong nextFh = new AtomicLong(1);
    private final ScheduledExecutorService scheduler;
    private final long entryNs;
    private final long attrNs;
    private final long negativeNs;
    private final int processUid;
    private final int processGid;
    private final PassthroughOpens passthrough;
    private final MetadataCache.Loader checkedLoader;

    VfsContext(FileSystemBackend backend, VfsOptions options) throws BackendException {
        this(backend, options, null);
    }

    /** @param state records inode and handle changes for a successor server (takeover), or null */
    VfsContext(FileSystemBackend store, VfsOptions options, VfsStateLog state) throws BackendException {
        FileSystemBackend backend = DeadlineBackend.wrap(store, options.backendTimeout());
        this.handles = state == null ? new ConcurrentHashMap<>() : state.fileHandles();
        this.dirs = state == null ? new ConcurrentHashMap<>() : state.dirHandles();
        this.backend = backend;
        this.options = options;
        this.caps = backend.capabilities();
        this.stableIds = caps.contains(Capability.STABLE_FILE_IDS);
        FileStatus root = backend.getStatus(options.rootPath());
        if (!root.isDirectory()) {
            throw new io.purefuse.backend.NotDirectoryException(options.rootPath().toString(),
                    "the mounted Alluxio path is not a directory");
        }
        this.table = new InodeTable(options.rootPath());
        if (state != null) {
            table.listener(state);
        }
        this.state = state;
        this.metadata = new MetadataCache(options.metadataCacheMaxSize(), options.metadataCacheExpiration());
        this.entryNs = options.entryTimeout().toNanos();
        this.attrNs = options.attrTimeout().toNanos();
        this.negativeNs = options.negativeTimeout().toNanos();
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "vfs-timer");
            t.setDaemon(true);
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        this.scheduler = ex;
        this.processUid = ownId("unix:uid");
        this.processGid = ownId("unix:gid");
        this.passthrough = new PassthroughOpens(backend, options, state);
        this.checkedLoader = q -> checked(q, backend.getStatus(q));
    }

    private static int ownId(String attr) {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), attr)).intValue();
        } catch (Exception e) {
            return 0;
        }
    }

    FileSystemBackend backend() {
        return backend;
    }

    VfsOptions options() {
        return options;
    }

    Set<Capability> caps() {
        return caps;
    }

    InodeTable inodes() {
        return table;
    }

    MetadataCache metadata() {
        return metadata;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** fhs of write handles a previous server held (see {@link #lostWriters}). */
    Set<Long> lostWriters() {
        return lostWriters;
    }

    /** A lost handle was released: forget it (also in the state log) and undo its open mode. */
    void releaseLost(long fh) {
        if (lostWriters.remove(fh) && state != null) {
            state.fileClosed(fh);
        }
        Runnable undo = lostModes.remove(fh);
        if (undo != null) {
            undo.run();
        }
    }

    /** Takeover: what releasing lost handle {@code fh} must undo (its passthrough/own-path count). */
    void onLostRelease(long fh, Runnable undo) {
        lostModes.put(fh, undo);
    }

    /** The takeover state log, or null when the mount is not supervised. */
    VfsStateLog stateLog() {
        return state;
    }

    /** Takeover: the next fh must be above every fh the predecessor handed out. */
    void nextFhAtLeast(long fh) {
        nextFh.accumulateAndGet(fh, Math::max);
    }

    /** Open file handles by fh. */
    Map<Long, FileHandle> handles() {
        return handles;
    }

    /** Open directory handles by fh. */
    Map<Long, DirHandle> dirs() {
        return dirs;
    }

    /** A new fh, unique among files and directories of this mount. */
    long nextFh() {
        return nextFh.getAndIncrement();
    }

    /** Passthrough decisions for OPEN/CREATE. */
    PassthroughOpens passthrough() {
        return passthrough;
    }

    long entryNs() {
        return entryNs;
    }

    long attrNs() {
        return attrNs;
    }

    long negativeNs() {
        return negativeNs;
    }

    Inode inode(long nodeid) {
        Inode i = table.get(nodeid);
        if (i == null) {
            throw Errors.fail(Errno.ESTALE, "unknown nodeid " + nodeid);
        }
        return i;
    }

    /**
     * The path of directory {@code dir} to name an entry in it; ENOENT once the directory was
     * removed or replaced (as for a process whose working directory was removed): its old name
     * may belong to another directory now.
     */
    AlluxioPath dirPath(Inode dir) {
        AlluxioPath p = table.pathOrNull(dir);
        if (p == null) {
            throw Errors.fail(Errno.ENOENT, dir + " was removed");
        }
        return p;
    }

    /** An open handle of {@code ino}: {@code fh} if it belongs to it, else any (null if none). */
    FileHandle handleOf(Inode ino, long fh) {
        FileHandle h = fh >= 0 ? handles.get(fh) : null;
        if (h != null && h.inode == ino) {
            return h;
        }
        for (FileHandle o : handles.values()) {
            if (o.inode == ino) {
                return o;
            }
        }
        return null;
    }

    AlluxioPath child(AlluxioPath dir, String name) throws InvalidPathException {
        return dir.child(name);
    }

    void checkWritable() {
        if (options.readOnly()) {
            throw Errors.fail(Errno.EROFS, "read-only mount");
        }
    }

    /** Cached status, or null if the path does not exist. */
    FileStatus cachedStatus(AlluxioPath p) throws BackendException {
        return metadata.get(p, checkedLoader);
    }

    /**
     * {@code st} if it is a plausible answer about {@code asked}; a backend that returns nothing,
     * the status of another path or a negative length is broken, and its answer must not reach
     * the kernel (a changed file type makes the kernel mark the inode bad for good): EIO.
     */
    static FileStatus checked(AlluxioPath asked, FileStatus st) throws BackendException {
        if (st == null || !asked.equals(st.path()) || (st.isRegularFile() && st.length() < 0)) {
            throw new BackendException(io.purefuse.backend.ErrorCode.IO_ERROR, asked.toString(),
                    "the backend answered with an impossible status: " + st);
        }
        return st;
    }

    /**
     * The status to answer attributes of {@code ino} with. While a sequential writer is active,
     * the size comes from its stream ({@link #fillAttr}) and a cached status may hold an older
     * length; if the writer finished while the status was being fetched, fetch it again from
     * the store so that the old length is never reported as the final one.
     */
    FileStatus attrStatus(Inode ino, AlluxioPath p) throws BackendException {
        if (PassthroughOpens.writingThrough(ino)) {
            return freshStatus(p); // the kernel writes the file itself: only the store knows its size
        }
        boolean writing = sequentialSize(ino) >= 0;
        FileStatus st = statusOrThrow(p);
        if (writing && sequentialSize(ino) < 0) {
            st = freshStatus(p);
        }
        return st;
    }

    FileStatus statusOrThrow(AlluxioPath p) throws BackendException {
        FileStatus st = cachedStatus(p);
        if (st == null) {
            throw new NotFoundException(p.toString(), "no such file or directory");
        }
        return st;
    }

    /** A status straight from the store (for decisions a stale cache must not make). */
    FileStatus freshStatus(AlluxioPath p) throws BackendException {
        long v = metadata.version();
        FileStatus st = checked(p, backend.getStatus(p));
        metadata.put(st, v);
        return st;
    }

    CreateOptions createOptions(Request req, int mode, int umask) {
        return CreateOptions.builder().mode(mode & ~umask & 07777).uid(req.uid()).gid(req.gid()).build();
    }

    long inoOf(Inode inode, FileStatus st) {
        if (stableIds && st.fileId() > 0) {
            return st.fileId();
        }
        return inode.nodeid;
    }

    long direntIno(Inode known, FileStatus st) {
        if (stableIds && st.fileId() > 0) {
            return st.fileId();
        }
        if (known != null) {
            return known.nodeid;
        }
        return (1L << 48) | (st.path().hashCode() & 0xffffffffL);
    }

    long sequentialSize(Inode inode) {
        FileHandle w;
        synchronized (inode) {
            w = inode.sequentialWriter;
        }
        return w == null ? -1 : w.sequentialSize();
    }

    void fillAttr(Attr a, Inode inode, FileStatus st) {
        long size = st.length();
        // st_blocks: what the store really allocated (sparse files, preallocation) when it says,
        // else derived from the size; a writer in progress knows its size better than the store.
        long blocks = st.blocks();
        if (st.isRegularFile()) {
            long written = sequentialSize(inode);
            if (written >= 0) {
                size = written;
                blocks = -1;
            }
        }
        a.ino(inoOf(inode, st)).size(size).blocks(blocks >= 0 ? blocks : (size + 511) / 512).mode(st.stMode());
        long nlink = st.nlink();
        a.nlink(nlink > 0 ? (int) Math.min(nlink, Integer.MAX_VALUE) : (st.isDirectory() ? 2 : 1));
        a.uid(st.uid() >= 0 ? (int) st.uid() : processUid);
        a.gid(st.gid() >= 0 ? (int) st.gid() : processGid);
        a.rdev(st.rdev() > 0 ? (int) st.rdev() : 0);
        a.blksize(BLKSIZE);
        a.atime(Math.floorDiv(st.lastAccessTimeNs(), 1_000_000_000L), (int) Math.floorMod(st.lastAccessTimeNs(), 1_000_000_000L));
        a.mtime(Math.floorDiv(st.lastModificationTimeNs(), 1_000_000_000L),
                (int) Math.floorMod(st.lastModificationTimeNs(), 1_000_000_000L));
        a.ctime(Math.floorDiv(st.changeTimeNs(), 1_000_000_000L), (int) Math.floorMod(st.changeTimeNs(), 1_000_000_000L));
    }

    /** Replies a positive entry for {@code name} in {@code parent} (lookup count +1). */
    void replyEntry(Request req, Inode parent, String name, FileStatus st) {
        replyEntry(req, table.lookup(parent, name), st);
    }

    /** Replies a positive entry for {@code c}, whose lookup count the caller already raised. */
    void replyEntry(Request req, Inode c, FileStatus st) {
        EntryOut e = req.entry();
        e.nodeid(c.nodeid).generation(0).entryValidNanos(entryNs).attrValidNanos(attrNs);
        fillAttr(e.attr(), c, st);
        if (!req.replyEntry(e)) {
            table.forget(c.nodeid, 1); // the kernel never saw this entry (interrupted)
        }
    }

    /** Empties a file: truncate if the store can, else overwrite it with an empty one. */
    void truncateToZero(Inode ino, AlluxioPath path) throws BackendException {
        metadata.invalidate(path);
        if (caps.contains(Capability.TRUNCATE)) {
            backend.truncate(path, 0);
        } else {
            backend.createFile(path, CreateOptions.builder().overwrite(true).build()).close();
        }
        metadata.invalidate(path);
    }

    static void fail(Request req, Throwable t) {
        req.replyError(Errors.errno(t));
    }

    /** Completes every open writer, closes every handle and stops the timer. */
    void closeAll() {
        for (FileHandle h : new ArrayList<>(handles.values())) {
            try {
                h.release();
            } catch (Exception e) {
                LOG.warn("closing {} at shutdown failed: {}", h, e.getMessage());
            }
        }
        handles.clear();
        for (DirHandle d : new ArrayList<>(dirs.values())) {
            synchronized (d) {
                d.close();
            }
        }
        dirs.clear();
        scheduler.shutdownNow();
        if (backend instanceof DeadlineBackend d) {
            d.close();
        }
    }
}
