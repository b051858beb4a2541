package io.purefuse.vfs;

import io.netty.buffer.ByteBuf;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.AlreadyExistsException;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.InvalidPathException;
import io.purefuse.backend.NotFoundException;
import io.purefuse.backend.RandomAccessFileHandle;
import io.purefuse.backend.RenameOptions;
import io.purefuse.backend.SetAttributeOptions;
import io.purefuse.backend.SpaceInfo;
import io.purefuse.session.DirectoryReply;
import io.purefuse.session.LowLevelFilesystem;
import io.purefuse.session.Request;
import io.purefuse.wire.Errno;
import io.purefuse.wire.Flags;
import io.purefuse.wire.OpenFlags;
import io.purefuse.wire.SetattrValid;
import io.purefuse.wire.in.SetattrIn;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.EntryOut;
import io.purefuse.wire.out.StatfsOut;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alluxio FUSE: a {@link LowLevelFilesystem} over the {@link FileSystemBackend} storage SPI.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link InodeTable}: nodeid &lt;-&gt; backend path, lookup counts, renames of subtrees.
 *   The mount's root is {@link VfsOptions#rootPath()}: every other path is built from it one
 *   validated name at a time ({@link AlluxioPath#child}), so no request can reach outside it
 *   ({@code .}, {@code ..}, {@code /} or NUL in a name: EINVAL; more than 255 bytes:
 *   ENAMETOOLONG).</li>
 *   <li>{@link MetadataCache}: FileStatus by path, positive and negative, invalidated by our own
 *   mutations.</li>
 *   <li>{@link FileHandle} (by {@code fh}): reader, sequential writer or random-access writer;
 *   {@link DirHandle}: a streaming directory listing with resumable cookies.</li>
 *   <li>{@link Errors}: the single errno mapping.</li>
 * </ul>
 *
 * <h2>Choices</h2>
 * <ul>
 *   <li>Concurrent writers: at most one sequential writer per file. Another open for writing
 *   waits up to {@link VfsOptions#writerWait()} for it to be released (RELEASE is asynchronous
 *   after close(2)), then fails with <b>EBUSY</b>. With random access on, the sequential writer is
 *   instead converted to a random-access writer and both proceed (pwrite semantics).</li>
 *   <li>Hard links: <b>EPERM</b> (link(2)'s "filesystem does not support hard links").</li>
 *   <li>Symlinks when {@code alluxio.fuse.symlink.enabled=false}: creating one answers
 *   <b>EOPNOTSUPP</b>; existing ones are still shown and readable.</li>
 *   <li>mknod of FIFOs, sockets and devices: <b>EPERM</b>; regular files work.</li>
 *   <li>RENAME_EXCHANGE: honoured if the backend supports it, else EINVAL; RENAME_WHITEOUT:
 *   EINVAL.</li>
 *   <li>FLUSH (each close(2)) flushes written data to the store and reports its errors; RELEASE
 *   completes the file (Alluxio's CompleteFile).</li>
 *   <li>Extended attributes, locks, fallocate, lseek, copy_file_range: ENOSYS (the kernel then
 *   stops asking and uses its generic behaviour).</li>
 * </ul>
 */
public final class AlluxioFuseFilesystem implements LowLevelFilesystem, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlluxioFuseFilesystem.class);

    static final int O_ACCMODE = 3;
    static final int O_RDONLY = 0;
    static final int O_EXCL = 0200;
    static final int O_TRUNC = 01000;
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
    private final Map<Long, FileHandle> handles = new ConcurrentHashMap<>();
    private final Map<Long, DirHandle> dirs = new ConcurrentHashMap<>();
    private final AtomicLong nextFh = new AtomicLong(1);
    private final ScheduledExecutorService scheduler;
    private final long entryNs;
    private final long attrNs;
    private final long negativeNs;
    private final int processUid;
    private final int processGid;
    private final AtomicBoolean destroyed = new AtomicBoolean();

    /**
     * @throws NotFoundException the mounted root path does not exist
     * @throws BackendException ({@code NOT_DIRECTORY}) the mounted root path is not a directory
     */
    public AlluxioFuseFilesystem(FileSystemBackend backend, VfsOptions options) throws BackendException {
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
    }

    private static int ownId(String attr) {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), attr)).intValue();
        } catch (Exception e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- accessors for the handles

    FileSystemBackend backend() {
        return backend;
    }

    VfsOptions options() {
        return options;
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

    /** Open file handles (for tests and diagnostics). */
    public int openFileCount() {
        return handles.size();
    }

    /** Known inodes, root included (for tests and diagnostics). */
    public int inodeCount() {
        return table.size();
    }

    // ---------------------------------------------------------------- helpers

    private Inode inode(long nodeid) {
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
    private AlluxioPath dirPath(Inode dir) {
        AlluxioPath p = table.pathOrNull(dir);
        if (p == null) {
            throw Errors.fail(Errno.ENOENT, dir + " was removed");
        }
        return p;
    }

    /** An open handle of {@code ino}: {@code fh} if it belongs to it, else any (null if none). */
    private FileHandle handleOf(Inode ino, long fh) {
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

    private static AlluxioPath child(AlluxioPath dir, String name) throws InvalidPathException {
        return dir.child(name);
    }

    private void checkWritable() {
        if (options.readOnly()) {
            throw Errors.fail(Errno.EROFS, "read-only mount");
        }
    }

    /** Cached status, or null if the path does not exist. */
    private FileStatus cachedStatus(AlluxioPath p) throws BackendException {
        return metadata.get(p, backend::getStatus);
    }

    /**
     * The status to answer attributes of {@code ino} with. While a sequential writer is active,
     * the size comes from its stream ({@link #fillAttr}) and a cached status may hold an older
     * length; if the writer finished while the status was being fetched, fetch it again from
     * the store so that the old length is never reported as the final one.
     */
    private FileStatus attrStatus(Inode ino, AlluxioPath p) throws BackendException {
        boolean writing = sequentialSize(ino) >= 0;
        FileStatus st = statusOrThrow(p);
        if (writing && sequentialSize(ino) < 0) {
            st = freshStatus(p);
        }
        return st;
    }

    private FileStatus statusOrThrow(AlluxioPath p) throws BackendException {
        FileStatus st = cachedStatus(p);
        if (st == null) {
            throw new NotFoundException(p.toString(), "no such file or directory");
        }
        return st;
    }

    /** A status straight from the store (for decisions a stale cache must not make). */
    private FileStatus freshStatus(AlluxioPath p) throws BackendException {
        long v = metadata.version();
        FileStatus st = backend.getStatus(p);
        metadata.put(st, v);
        return st;
    }

    private CreateOptions createOptions(Request req, int mode, int umask) {
        return CreateOptions.builder().mode(mode & ~umask & 07777).uid(req.uid()).gid(req.gid()).build();
    }

    private long inoOf(Inode inode, FileStatus st) {
        if (stableIds && st.fileId() > 0) {
            return st.fileId();
        }
        return inode.nodeid;
    }

    private long direntIno(Inode known, FileStatus st) {
        if (stableIds && st.fileId() > 0) {
            return st.fileId();
        }
        if (known != null) {
            return known.nodeid;
        }
        return (1L << 48) | (st.path().hashCode() & 0xffffffffL);
    }

    private long sequentialSize(Inode inode) {
        FileHandle w;
        synchronized (inode) {
            w = inode.sequentialWriter;
        }
        return w == null ? -1 : w.sequentialSize();
    }

    private void fillAttr(Attr a, Inode inode, FileStatus st) {
        long size = st.length();
        if (st.isRegularFile()) {
            long written = sequentialSize(inode);
            if (written >= 0) {
                size = written;
            }
        }
        a.ino(inoOf(inode, st)).size(size).blocks((size + 511) / 512).mode(st.stMode());
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
    private void replyEntry(Request req, Inode parent, String name, FileStatus st) {
        Inode c = table.lookup(parent, name);
        EntryOut e = req.entry();
        e.nodeid(c.nodeid).generation(0).entryValidNanos(entryNs).attrValidNanos(attrNs);
        fillAttr(e.attr(), c, st);
        if (!req.replyEntry(e)) {
            table.forget(c.nodeid, 1); // the kernel never saw this entry (interrupted)
        }
    }

    /**
     * CREATE reply; if it never reaches the kernel (interrupted), nobody will RELEASE the handle
     * or FORGET the entry, so do both here.
     */
    private void replyCreate(Request req, EntryOut eo, Inode c, FileHandle h) {
        long fh = register(h);
        if (!req.replyCreate(eo, fh, openFlagsFor(c, null, true))) {
            abandonHandle(fh);
            table.forget(c.nodeid, 1);
        }
    }

    /**
     * OPEN reply; if it never reaches the kernel (interrupted, timed out), nobody will RELEASE
     * the handle, so release it here.
     */
    private void replyOpen(Request req, FileHandle h, int openFlags) {
        long fh = register(h);
        if (!req.replyOpen(fh, openFlags)) {
            abandonHandle(fh);
        }
    }

    /** Releases a handle whose OPEN/CREATE reply never reached the kernel (no RELEASE will come). */
    private void abandonHandle(long fh) {
        FileHandle gone = handles.remove(fh);
        try {
            if (gone != null) {
                gone.release();
            }
        } catch (Throwable t) {
            LOG.warn("releasing {} after an unanswered open failed: {}", gone, t.getMessage());
        }
    }

    private static void fail(Request req, Throwable t) {
        req.replyError(Errors.errno(t));
    }

    // ---------------------------------------------------------------- life cycle

    @Override
    public void destroy() {
        close();
    }

    /** Completes every open writer and closes every handle. Idempotent. */
    @Override
    public void close() {
        if (!destroyed.compareAndSet(false, true)) {
            return;
        }
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
    }

    // ---------------------------------------------------------------- names

    @Override
    public void lookup(Request req, long parent, String name) {
        try {
            Inode p = inode(parent);
            AlluxioPath path = child(dirPath(p), name);
            FileStatus st = cachedStatus(path);
            if (st == null) {
                if (negativeNs > 0) {
                    EntryOut e = req.entry();
                    e.nodeid(0).entryValidNanos(negativeNs);
                    req.replyEntry(e);
                } else {
                    req.replyError(Errno.ENOENT);
                }
                return;
            }
            replyEntry(req, p, name, st);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void forget(long nodeid, long nlookup) {
        table.forget(nodeid, nlookup);
    }

    @Override
    public void getattr(Request req, long nodeid, long fh) {
        try {
            Inode ino = inode(nodeid);
            FileStatus st;
            AlluxioPath path = table.pathOrNull(ino);
            if (path == null) {
                // Unlinked or replaced: its old name may be another file's now. Only an open
                // handle (fstat of an open, unlinked file) knows what it is.
                FileHandle h = handleOf(ino, fh);
                if (h == null) {
                    throw Errors.fail(Errno.ENOENT, ino + " was unlinked");
                }
                st = h.status();
            } else {
                try {
                    st = attrStatus(ino, path);
                } catch (NotFoundException e) {
                    FileHandle h = handleOf(ino, fh);
                    if (h == null || h.openStatus == null) {
                        throw e;
                    }
                    st = h.status(); // removed behind our back (in the store) while open
                }
            }
            Attr a = req.attr();
            fillAttr(a, ino, st);
            req.replyAttr(a, attrNs);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void setattr(Request req, long nodeid, SetattrIn in) {
        try {
            checkWritable();
            Inode ino = inode(nodeid);
            int valid = in.valid();
            AlluxioPath path = table.pathOrNull(ino);
            if (path == null) {
                setattrDetached(req, ino, in);
                return;
            }
            FileStatus after = null;
            if ((valid & SetattrValid.FATTR_SIZE) != 0) {
                FileHandle h = (valid & SetattrValid.FATTR_FH) != 0 ? handles.get(in.fh()) : null;
                if (h != null && h.writable) {
                    h.truncate(in.size());
                } else {
                    truncatePath(ino, path, in.size());
                }
            }
            SetAttributeOptions.Builder b = SetAttributeOptions.builder();
            boolean any = false;
            if ((valid & SetattrValid.FATTR_MODE) != 0) {
                b.mode(in.mode() & 07777);
                any = true;
            }
            if ((valid & SetattrValid.FATTR_UID) != 0) {
                b.uid(Integer.toUnsignedLong(in.uid()));
                any = true;
            }
            if ((valid & SetattrValid.FATTR_GID) != 0) {
                b.gid(Integer.toUnsignedLong(in.gid()));
                any = true;
            }
            long now = -1;
            if ((valid & SetattrValid.FATTR_ATIME_NOW) != 0) {
                now = nowNs();
                b.atimeNs(now);
                any = true;
            } else if ((valid & SetattrValid.FATTR_ATIME) != 0) {
                b.atimeNs(in.atime() * 1_000_000_000L + in.atimensec());
                any = true;
            }
            if ((valid & SetattrValid.FATTR_MTIME_NOW) != 0) {
                b.mtimeNs(now >= 0 ? now : nowNs());
                any = true;
            } else if ((valid & SetattrValid.FATTR_MTIME) != 0) {
                b.mtimeNs(in.mtime() * 1_000_000_000L + in.mtimensec());
                any = true;
            }
            if (any) {
                metadata.invalidate(path);
                long v = metadata.version();
                after = backend.setAttributes(path, b.build());
                metadata.put(after, v);
            }
            if (after == null || (valid & SetattrValid.FATTR_SIZE) != 0) {
                metadata.invalidate(path);
                after = freshStatus(path);
            }
            Attr a = req.attr();
            fillAttr(a, ino, after);
            req.replyAttr(a, attrNs);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    /**
     * SETATTR of an unlinked or replaced inode: never by its old name (another file may have it
     * now). ftruncate through a write handle works on the handle; time updates that come with
     * it are dropped; anything else needs the name: ENOENT without a handle (fchmod, fchown,
     * futimens), ESTALE with one.
     */
    private void setattrDetached(Request req, Inode ino, SetattrIn in) throws BackendException {
        int valid = in.valid();
        FileHandle h = (valid & SetattrValid.FATTR_FH) != 0 ? handleOf(ino, in.fh()) : null;
        int needsName = SetattrValid.FATTR_MODE | SetattrValid.FATTR_UID | SetattrValid.FATTR_GID;
        if ((valid & SetattrValid.FATTR_SIZE) == 0 || (valid & needsName) != 0 || h == null) {
            throw Errors.fail(h == null ? Errno.ENOENT : Errno.ESTALE, ino + " was unlinked or replaced");
        }
        if (!h.writable) {
            throw Errors.fail(Errno.EBADF, "not open for writing");
        }
        if (in.size() < 0) {
            throw Errors.fail(Errno.EINVAL, "negative size");
        }
        h.truncate(in.size());
        Attr a = req.attr();
        fillAttr(a, ino, h.status());
        req.replyAttr(a, attrNs);
    }

    private static long nowNs() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** truncate(2) by path (no write handle). */
    private void truncatePath(Inode ino, AlluxioPath path, long size) throws BackendException {
        if (size < 0) {
            throw Errors.fail(Errno.EINVAL, "negative size");
        }
        FileHandle w;
        synchronized (ino) {
            w = ino.sequentialWriter;
        }
        if (w != null) {
            w.truncate(size);
            return;
        }
        FileStatus st = freshStatus(path);
        if (st.isDirectory()) {
            throw Errors.fail(Errno.EISDIR, "is a directory");
        }
        if (size == st.length()) {
            return;
        }
        if (size == 0) {
            truncateToZero(ino, path);
            return;
        }
        if (!options.randomAccess()) {
            throw Errors.fail(Errno.EOPNOTSUPP, "truncate to " + size
                    + " needs alluxio.user.fuse.random.access.file.stream.enabled=true");
        }
        metadata.invalidate(path);
        if (caps.contains(Capability.TRUNCATE)) {
            backend.truncate(path, size);
        } else {
            try (RandomAccessFileHandle raf = backend.openForRandomWrite(path)) {
                raf.truncate(size);
            }
        }
        metadata.invalidate(path);
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

    @Override
    public void readlink(Request req, long nodeid) {
        try {
            Inode ino = inode(nodeid);
            String target = backend.readSymlink(table.path(ino));
            byte[] b = target.getBytes(StandardCharsets.UTF_8);
            req.replyData(b, 0, b.length);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void symlink(Request req, long parent, String name, String target) {
        try {
            checkWritable();
            if (!options.symlinks()) {
                throw Errors.fail(Errno.EOPNOTSUPP, "symlinks are disabled (alluxio.fuse.symlink.enabled=false)");
            }
            Inode p = inode(parent);
            AlluxioPath path = child(dirPath(p), name);
            CreateOptions co = CreateOptions.builder().uid(req.uid()).gid(req.gid()).build();
            metadata.invalidateWithParent(path);
            FileStatus st = backend.createSymlink(path, target, co);
            metadata.invalidateWithParent(path);
            replyEntry(req, p, name, st);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void mknod(Request req, long parent, String name, int mode, int rdev, int umask) {
        try {
            int type = mode & S_IFMT;
            if (type != 0 && type != S_IFREG) {
                throw Errors.fail(Errno.EPERM, "only regular files can be created with mknod");
            }
            checkWritable();
            Inode p = inode(parent);
            AlluxioPath path = child(dirPath(p), name);
            metadata.invalidateWithParent(path);
            FileOutStream out = backend.createFile(path, createOptions(req, mode, umask));
            out.close();
            metadata.invalidateWithParent(path);
            replyEntry(req, p, name, freshStatus(path));
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void mkdir(Request req, long parent, String name, int mode, int umask) {
        try {
            checkWritable();
            Inode p = inode(parent);
            AlluxioPath path = child(dirPath(p), name);
            metadata.invalidateWithParent(path);
            FileStatus st = backend.createDirectory(path, createOptions(req, mode, umask));
            metadata.invalidateWithParent(path);
            replyEntry(req, p, name, st);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void unlink(Request req, long parent, String name) {
        try {
            checkWritable();
            Inode p = inode(parent);
            AlluxioPath path = child(dirPath(p), name);
            FileStatus st = freshStatus(path);
            if (st.isDirectory()) {
                throw Errors.fail(Errno.EISDIR, "unlink of a directory");
            }
            metadata.invalidateWithParent(path);
            backend.delete(path, false);
            metadata.invalidateWithParent(path);
            table.remove(p, name);
            req.replyOk();
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void rmdir(Request req, long parent, String name) {
        try {
            checkWritable();
            Inode p = inode(parent);
            AlluxioPath path = child(dirPath(p), name);
            FileStatus st = freshStatus(path);
            if (!st.isDirectory()) {
                throw Errors.fail(Errno.ENOTDIR, "rmdir of a non-directory");
            }
            metadata.invalidateTree(path);
            backend.delete(path, false);
            metadata.invalidateTree(path);
            table.remove(p, name);
            req.replyOk();
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void rename(Request req, long parent, String name, long newParent, String newName, int flags) {
        try {
            checkWritable();
            if ((flags & ~(Flags.RENAME_NOREPLACE | Flags.RENAME_EXCHANGE)) != 0
                    || flags == (Flags.RENAME_NOREPLACE | Flags.RENAME_EXCHANGE)) {
                throw Errors.fail(Errno.EINVAL, "unsupported rename flags 0x" + Integer.toHexString(flags));
            }
            boolean exchange = (flags & Flags.RENAME_EXCHANGE) != 0;
            boolean noReplace = (flags & Flags.RENAME_NOREPLACE) != 0;
            if (exchange && !caps.contains(Capability.RENAME_EXCHANGE)) {
                throw Errors.fail(Errno.EINVAL, "RENAME_EXCHANGE is not supported by " + backend.describe());
            }
            Inode p = inode(parent);
            Inode np = inode(newParent);
            AlluxioPath src = child(dirPath(p), name);
            AlluxioPath dst = child(dirPath(np), newName);
            RenameOptions ro = RenameOptions.fromFlags(flags);
            if (noReplace && !caps.contains(Capability.RENAME_NOREPLACE)) {
                if (backend.exists(dst)) {
                    throw new AlreadyExistsException(dst.toString(), "target exists", null);
                }
                ro = RenameOptions.defaults();
            }
            metadata.invalidateTree(src);
            metadata.invalidateTree(dst);
            if (!src.equals(dst)) {
                backend.rename(src, dst, ro);
            }
            metadata.invalidateTree(src);
            metadata.invalidateTree(dst);
            if (exchange) {
                table.exchange(p, name, np, newName);
            } else if (!src.equals(dst)) {
                table.rename(p, name, np, newName);
            }
            req.replyOk();
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void link(Request req, long nodeid, long newParent, String newName) {
        req.replyError(options.readOnly() ? Errno.EROFS : Errno.EPERM);
    }

    // ---------------------------------------------------------------- files

    private int openFlagsFor(Inode ino, FileStatus st, boolean write) {
        int f = 0;
        if (options.directIo()) {
            f |= OpenFlags.FOPEN_DIRECT_IO;
        }
        if (!write) {
            // A read-only handle has nothing to push on close(2), and we take no POSIX locks:
            // skip the FLUSH round trip (one of ~4 per small-file read).
            f |= OpenFlags.FOPEN_NOFLUSH;
        }
        if (!write && st != null) {
            if (options.kernelCache()) {
                f |= OpenFlags.FOPEN_KEEP_CACHE;
            } else if (options.autoCache()) {
                if (ino.lastOpenMtimeNs == st.lastModificationTimeNs() && ino.lastOpenSize == st.length()) {
                    f |= OpenFlags.FOPEN_KEEP_CACHE;
                }
            }
            ino.lastOpenMtimeNs = st.lastModificationTimeNs();
            ino.lastOpenSize = st.length();
        } else if (write) {
            ino.lastOpenSize = -1;
        }
        return f;
    }

    private long register(FileHandle h) {
        handles.put(h.fh, h);
        return h.fh;
    }

    @Override
    public void open(Request req, long nodeid, int flags) {
        try {
            Inode ino = inode(nodeid);
            AlluxioPath path = table.path(ino);
            if ((flags & O_ACCMODE) == O_RDONLY) {
                FileStatus st = statusOrThrow(path);
                if (st.isDirectory()) {
                    throw Errors.fail(Errno.EISDIR, "is a directory");
                }
                FileInStream in = backend.openFile(path);
                FileHandle h = FileHandle.reader(nextFh.getAndIncrement(), ino, this, in);
                h.openStatus = st;
                replyOpen(req, h, openFlagsFor(ino, st, false));
                return;
            }
            checkWritable();
            openForWrite(req, ino, flags, System.nanoTime() + options.writerWait().toNanos(), null);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    /** States of an OPEN that waits for another writer (see {@link #openForWrite}). */
    private static final int OPEN_WAITING = 0;
    private static final int OPEN_RUNNING = 1;
    private static final int OPEN_CANCELLED = 2;

    /**
     * Opens for writing, waiting (asynchronously) for a sequential writer to go away. While it
     * waits, an INTERRUPT cancels the retry and answers EINTR: the caller believes the open
     * failed, so it must never open (or O_TRUNC) the file afterwards.
     *
     * @param state null on the first attempt; the wait's state once waiting
     */
    private void openForWrite(Request req, Inode ino, int flags, long deadline, AtomicInteger state) {
        try {
            FileHandle h = tryOpenForWrite(ino, flags, System.nanoTime() < deadline);
            if (h == null) {
                AtomicInteger st = state;
                if (st == null) {
                    st = new AtomicInteger(OPEN_WAITING);
                    AtomicInteger s0 = st;
                    req.onInterrupt(() -> {
                        if (s0.compareAndSet(OPEN_WAITING, OPEN_CANCELLED)) {
                            req.replyError(Errno.EINTR);
                        }
                    });
                } else {
                    st.set(OPEN_WAITING);
                }
                if (req.isInterrupted() || req.isReplied()) {
                    // Interrupted (or timed out) while this attempt ran: the listener found it running.
                    if (st.compareAndSet(OPEN_WAITING, OPEN_CANCELLED)) {
                        req.replyError(Errno.EINTR);
                    }
                    return;
                }
                AtomicInteger s1 = st;
                waitForWriter(ino, () -> {
                    if (s1.compareAndSet(OPEN_WAITING, OPEN_RUNNING)) {
                        openForWrite(req, ino, flags, deadline, s1);
                    }
                }, deadline);
                return;
            }
            replyOpen(req, h, openFlagsFor(ino, null, true));
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    private void waitForWriter(Inode ino, Runnable retry, long deadline) {
        AtomicBoolean once = new AtomicBoolean();
        Runnable r = () -> {
            if (once.compareAndSet(false, true)) {
                scheduler.execute(retry);
            }
        };
        boolean registered;
        synchronized (ino) {
            registered = ino.sequentialWriter != null;
            if (registered) {
                ino.addWriterWaiter(r);
            }
        }
        if (!registered) {
            r.run();
            return;
        }
        long delay = Math.max(1, deadline - System.nanoTime());
        scheduler.schedule(r, delay, TimeUnit.NANOSECONDS);
    }

    /**
     * A new writable handle, or null if a sequential writer holds the file and {@code mayWait}.
     *
     * @throws io.purefuse.session.FuseErrnoException EBUSY if another writer holds the file
     */
    private FileHandle tryOpenForWrite(Inode ino, int flags, boolean mayWait) throws BackendException {
        AlluxioPath path = table.path(ino);
        boolean trunc = (flags & O_TRUNC) != 0;
        FileHandle other;
        synchronized (ino) {
            other = ino.sequentialWriter;
        }
        if (other != null) {
            if (options.randomAccess()) {
                other.convertToRandom();
            } else if (mayWait) {
                return null;
            } else {
                throw Errors.fail(Errno.EBUSY, path + " is being written by another handle");
            }
        }
        boolean alone;
        synchronized (ino) {
            if (ino.sequentialWriter != null) {
                if (mayWait && !options.randomAccess()) {
                    return null;
                }
                throw Errors.fail(Errno.EBUSY, path + " is being written by another handle");
            }
            ino.writeHandles++;
            alone = ino.writeHandles == 1;
        }
        long fh = nextFh.getAndIncrement();
        try {
            FileHandle h;
            if (trunc && alone) {
                metadata.invalidate(path);
                FileOutStream out = backend.createFile(path, CreateOptions.builder().overwrite(true).build());
                h = FileHandle.sequential(fh, ino, this, out);
                h.openStatus = out.initialStatus();
                synchronized (ino) {
                    ino.sequentialWriter = h;
                }
                metadata.invalidate(path);
            } else if (options.randomAccess()) {
                RandomAccessFileHandle raf = backend.openForRandomWrite(path);
                if (trunc) {
                    try {
                        raf.truncate(0);
                    } catch (BackendException e) {
                        raf.close();
                        throw e;
                    }
                }
                metadata.invalidate(path);
                h = FileHandle.random(fh, ino, this, raf);
                try {
                    h.openStatus = cachedStatus(path);
                } catch (BackendException e) {
                    h.release();
                    throw e;
                }
            } else if (trunc) {
                throw Errors.fail(Errno.EBUSY, path + " is open for writing by another handle");
            } else {
                FileStatus st = freshStatus(path);
                if (st.isDirectory()) {
                    throw Errors.fail(Errno.EISDIR, "is a directory");
                }
                h = FileHandle.pending(fh, ino, this, st.length());
                h.openStatus = st;
            }
            return h;
        } catch (Throwable t) {
            synchronized (ino) {
                ino.writeHandles--;
            }
            throw t;
        }
    }

    @Override
    public void create(Request req, long parent, String name, int mode, int umask, int flags) {
        try {
            checkWritable();
            Inode p = inode(parent);
            AlluxioPath path = child(dirPath(p), name);
            FileOutStream out;
            metadata.invalidateWithParent(path);
            try {
                out = backend.createFile(path, createOptions(req, mode, umask));
            } catch (AlreadyExistsException e) {
                if ((flags & O_EXCL) != 0) {
                    throw e;
                }
                // The kernel believed the name was free (stale negative entry): open the existing file.
                FileStatus st = freshStatus(path);
                if (st.isDirectory()) {
                    throw Errors.fail(Errno.EISDIR, "is a directory");
                }
                Inode c = table.lookup(p, name);
                FileHandle h = null;
                EntryOut eo;
                try {
                    h = tryOpenForWrite(c, flags, false);
                    eo = req.entry();
                    eo.nodeid(c.nodeid).entryValidNanos(entryNs).attrValidNanos(attrNs);
                    fillAttr(eo.attr(), c, freshStatus(path));
                } catch (Throwable t) {
                    if (h != null) {
                        try {
                            h.release();
                        } catch (Throwable t2) {
                            t.addSuppressed(t2);
                        }
                    }
                    table.forget(c.nodeid, 1);
                    throw t;
                }
                replyCreate(req, eo, c, h);
                return;
            }
            metadata.invalidateWithParent(path);
            Inode c = table.lookup(p, name);
            FileHandle h = FileHandle.sequential(nextFh.getAndIncrement(), c, this, out);
            h.openStatus = out.initialStatus();
            synchronized (c) {
                c.writeHandles++;
                c.sequentialWriter = h;
            }
            EntryOut eo = req.entry();
            eo.nodeid(c.nodeid).entryValidNanos(entryNs).attrValidNanos(attrNs);
            fillAttr(eo.attr(), c, out.initialStatus());
            replyCreate(req, eo, c, h);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    private FileHandle handle(long fh) {
        FileHandle h = handles.get(fh);
        if (h == null) {
            throw Errors.fail(Errno.EBADF, "unknown file handle " + fh);
        }
        return h;
    }

    @Override
    public void read(Request req, long nodeid, long fh, long offset, int size, int flags) {
        ByteBuf buf = null;
        try {
            FileHandle h = handle(fh);
            if (offset < 0) {
                throw Errors.fail(Errno.EINVAL, "negative offset");
            }
            buf = req.alloc().directBuffer(size, size);
            ByteBuffer dst = buf.internalNioBuffer(0, size); // no view object per READ
            int n = h.read(offset, dst);
            buf.writerIndex(n);
            ByteBuf b = buf;
            buf = null;
            req.replyData(b);
        } catch (Throwable t) {
            if (buf != null) {
                buf.release();
            }
            fail(req, t);
        }
    }

    @Override
    public void write(Request req, long nodeid, long fh, long offset, ByteBuf data, int writeFlags, int flags) {
        try {
            checkWritable();
            FileHandle h = handle(fh);
            if (!h.writable) {
                throw Errors.fail(Errno.EBADF, "not open for writing");
            }
            if (offset < 0) {
                throw Errors.fail(Errno.EINVAL, "negative offset");
            }
            h.write(req, offset, data);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void flush(Request req, long nodeid, long fh, long lockOwner) {
        try {
            FileHandle h = handles.get(fh);
            if (h != null) {
                h.flush();
            }
            req.replyOk();
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void release(Request req, long nodeid, long fh, int flags, int releaseFlags, long lockOwner) {
        FileHandle h = handles.remove(fh);
        try {
            if (h != null) {
                h.release();
            }
        } catch (Throwable t) {
            LOG.warn("completing {} failed: {}", h, t.getMessage());
        }
        req.replyOk();
    }

    @Override
    public void fsync(Request req, long nodeid, long fh, boolean datasync) {
        try {
            FileHandle h = handles.get(fh);
            if (h != null) {
                h.fsync();
            }
            req.replyOk();
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    // ---------------------------------------------------------------- directories

    @Override
    public void opendir(Request req, long nodeid, int flags) {
        try {
            Inode ino = inode(nodeid);
            AlluxioPath path = table.pathOrNull(ino);
            // A removed directory (still someone's working directory) opens and lists empty.
            if (path != null) {
                FileStatus st = statusOrThrow(path);
                if (!st.isDirectory()) {
                    throw Errors.fail(Errno.ENOTDIR, "not a directory");
                }
            }
            long fh = nextFh.getAndIncrement();
            DirHandle d = new DirHandle(fh, ino, backend);
            dirs.put(fh, d);
            if (!req.replyOpen(fh, 0)) {
                // Interrupted or timed out: the kernel will never RELEASEDIR it.
                if (dirs.remove(fh) != null) {
                    synchronized (d) {
                        d.close();
                    }
                }
            }
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void readdir(Request req, long nodeid, long fh, long offset, int size) {
        listDirectory(req, fh, offset, size, false);
    }

    @Override
    public void readdirplus(Request req, long nodeid, long fh, long offset, int size) {
        listDirectory(req, fh, offset, size, true);
    }

    private void listDirectory(Request req, long fh, long offset, int size, boolean plus) {
        try {
            DirHandle d = dirs.get(fh);
            if (d == null) {
                throw Errors.fail(Errno.EBADF, "unknown directory handle " + fh);
            }
            synchronized (d) {
                DirectoryReply r = req.directoryReply(size);
                List<Long> counted = plus ? new ArrayList<>() : null;
                try {
                    fillDirectory(req, r, d, offset, counted);
                } catch (Throwable t) {
                    if (r.count() == 0) {
                        undoLookups(counted);
                        throw t;
                    }
                    // Send what we have; the error shows up at the next READDIR.
                    LOG.debug("listing failed after {} entries: {}", r.count(), t.toString());
                }
                if (!r.send()) {
                    undoLookups(counted); // interrupted: the kernel counted none of them
                }
            }
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    private void undoLookups(List<Long> counted) {
        if (counted != null) {
            for (long nodeid : counted) {
                table.forget(nodeid, 1);
            }
        }
    }

    /** Fills one READDIR(PLUS) reply; {@code counted} (READDIRPLUS only) collects the nodeids whose lookup count grew. */
    private void fillDirectory(Request req, DirectoryReply r, DirHandle d, long offset, List<Long> counted)
            throws BackendException {
        boolean plus = counted != null;
        Inode dir = d.inode;
        if (offset == 0 && !addDot(req, r, ".", dir, 1, plus)) {
            return;
        }
        if (offset <= 1) {
            Inode parent = table.parentOf(dir);
            if (!addDot(req, r, "..", parent == null ? dir : parent, 2, plus)) {
                return;
            }
        }
        AlluxioPath dirPath = table.pathOrNull(dir);
        if (dirPath == null) {
            return; // removed: never list whatever took its name
        }
        d.seek(dirPath, Math.max(0, offset - DirHandle.FIRST_ENTRY_COOKIE));
        long v = metadata.version();
        while (true) {
            FileStatus st = d.next();
            if (st == null) {
                return;
            }
            long cookie = d.cookieAfterLast();
            String name = st.name();
            if (plus) {
                Inode c = table.lookup(dir, name);
                EntryOut e = req.entry();
                e.nodeid(c.nodeid).entryValidNanos(entryNs).attrValidNanos(attrNs);
                fillAttr(e.attr(), c, st);
                if (!r.addPlus(name, e, cookie)) {
                    table.forget(c.nodeid, 1);
                    d.pushBack(st);
                    return;
                }
                counted.add(c.nodeid);
            } else {
                Inode known = table.find(dir, name);
                if (!r.add(name, direntIno(known, st), (st.stMode() >> 12) & 15, cookie)) {
                    d.pushBack(st);
                    return;
                }
            }
            metadata.put(st, v);
        }
    }

    private boolean addDot(Request req, DirectoryReply r, String name, Inode ino, long cookie, boolean plus) {
        long inoNum = ino.nodeid;
        if (plus) {
            EntryOut e = req.entry();
            e.attr().ino(inoNum).mode(S_IFDIR | 0755);
            return r.addPlus(name, e, cookie);
        }
        return r.add(name, inoNum, S_IFDIR >> 12, cookie);
    }

    @Override
    public void releasedir(Request req, long nodeid, long fh, int flags) {
        DirHandle d = dirs.remove(fh);
        if (d != null) {
            synchronized (d) {
                d.close();
            }
        }
        req.replyOk();
    }

    @Override
    public void fsyncdir(Request req, long nodeid, long fh, boolean datasync) {
        req.replyOk();
    }

    // ---------------------------------------------------------------- misc

    @Override
    public void statfs(Request req, long nodeid) {
        try {
            Optional<SpaceInfo> space = caps.contains(Capability.SPACE_INFO) ? backend.getSpace() : Optional.empty();
            StatfsOut s = req.statfsOut();
            int bsize = 4096;
            if (space.isPresent()) {
                SpaceInfo sp = space.get();
                long blocks = sp.capacityBytes() / bsize;
                long free = Math.max(0, sp.capacityBytes() - sp.usedBytes()) / bsize;
                long avail = Math.max(0, sp.availableBytes()) / bsize;
                s.set(blocks, free, Math.min(avail, free), UNBOUNDED_FILES, UNBOUNDED_FILES, bsize, 255, bsize);
            } else {
                s.set(UNBOUNDED_BLOCKS, UNBOUNDED_BLOCKS, UNBOUNDED_BLOCKS, UNBOUNDED_FILES, UNBOUNDED_FILES,
                        bsize, 255, bsize);
            }
            req.replyStatfs(s);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    @Override
    public void access(Request req, long nodeid, int mask) {
        try {
            Inode ino = inode(nodeid);
            statusOrThrow(dirPath(ino));
            if ((mask & W_OK) != 0 && options.readOnly()) {
                throw Errors.fail(Errno.EROFS, "read-only mount");
            }
            req.replyOk();
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    /** Counts for diagnostics. */
    @Override
    public String toString() {
        return "AlluxioFuseFilesystem[" + backend.describe() + " at " + options.rootPath() + ", inodes=" + table.size()
                + ", files=" + handles.size() + ", dirs=" + dirs.size() + "]";
    }
}
