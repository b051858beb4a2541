package io.purefuse.vfs;

import io.netty.buffer.ByteBuf;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.NotFoundException;
import io.purefuse.session.LowLevelFilesystem;
import io.purefuse.session.Request;
import io.purefuse.wire.in.SetattrIn;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Alluxio FUSE: a {@link LowLevelFilesystem} over the {@link FileSystemBackend} storage SPI.
 *
 * <h2>Pieces</h2>
 * This class only delegates; each request is handled by the class of its concern:
 * {@link NamespaceOps} (LOOKUP, FORGET, READLINK, SYMLINK, MKNOD, MKDIR, UNLINK, RMDIR, RENAME,
 * LINK), {@link AttrOps} (GETATTR, SETATTR, ACCESS, STATFS), {@link OpenOps} (OPEN, CREATE),
 * {@link FileDataOps} (READ, WRITE, FLUSH, FSYNC, RELEASE) and {@link DirectoryOps} (OPENDIR,
 * READDIR, READDIRPLUS, RELEASEDIR, FSYNCDIR), all sharing one {@link VfsContext}.
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
    private final VfsContext ctx;
    private final NamespaceOps names;
    private final AttrOps attrs;
    private final OpenOps opens;
    private final FileDataOps fileData;
    private final DirectoryOps dirs;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AlluxioFuseFilesystem.class);
    private final AtomicBoolean destroyed = new AtomicBoolean();

    /**
     * @throws NotFoundException the mounted root path does not exist
     * @throws BackendException ({@code NOT_DIRECTORY}) the mounted root path is not a directory
     */
    public AlluxioFuseFilesystem(FileSystemBackend backend, VfsOptions options) throws BackendException {
        this(new VfsContext(backend, options));
    }

    private AlluxioFuseFilesystem(VfsContext ctx) {
        this.ctx = ctx;
        this.names = new NamespaceOps(ctx);
        this.attrs = new AttrOps(ctx);
        this.opens = new OpenOps(ctx);
        this.fileData = new FileDataOps(ctx);
        this.dirs = new DirectoryOps(ctx);
    }

    /**
     * A supervised mount's first server: like the public constructor, and every inode and handle
     * change is recorded in {@code stateFile} for a successor ({@link #takeOver}).
     */
    public static AlluxioFuseFilesystem recordingState(FileSystemBackend backend, VfsOptions options,
                                                      java.nio.file.Path stateFile)
            throws BackendException, java.io.IOException {
        VfsStateLog log = VfsStateLog.create(stateFile);
        try {
            return new AlluxioFuseFilesystem(new VfsContext(backend, options, log));
        } catch (BackendException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /**
     * A successor server: rebuilds the inode table and handles the predecessor recorded in
     * {@code stateFile} (every nodeid and fh stays valid), then records on. Read handles are
     * reopened; write handles whose stream died with the predecessor answer EIO to WRITE, FLUSH
     * and FSYNC until released (never a silent loss); so do read handles of files that were
     * unlinked while open (their data is reachable only through the dead process's stream).
     * Passthrough read handles need no stream (the kernel reads the backing file); the backing ids
     * the predecessor registered are adopted when the session starts passthrough
     * ({@link #passthroughStarted}), so new opens of those files name the same id.
     */
    public static AlluxioFuseFilesystem takeOver(FileSystemBackend backend, VfsOptions options,
                                                 java.nio.file.Path stateFile)
            throws BackendException, java.io.IOException {
        VfsStateLog.State st = VfsStateLog.read(stateFile);
        VfsStateLog log = VfsStateLog.rewrite(stateFile, st);
        VfsContext ctx;
        try {
            ctx = new VfsContext(backend, options, log);
        } catch (BackendException | RuntimeException e) {
            log.close();
            throw e;
        }
        InodeTable table = ctx.inodes();
        table.restoreAll(st.inodes, st.nextNodeid);
        ctx.nextFhAtLeast(st.nextFh);
        int reopened = 0;
        PassthroughOpens pt = ctx.passthrough();
        for (Map.Entry<Long, long[]> e : st.files.entrySet()) {
            long fh = e.getKey();
            Inode ino = table.get(e.getValue()[0]);
            boolean writable = e.getValue()[1] != 0;
            boolean passthrough = e.getValue()[2] != 0;
            io.purefuse.backend.AlluxioPath path = ino == null ? null : table.pathOrNull(ino);
            if (passthrough && !writable && ino != null) {
                // The kernel reads the backing file itself: no stream to reopen, even if unlinked.
                FileHandle h = FileHandle.reader(fh, ino, ctx, null);
                h.openStatus = path == null ? null : statusOrNull(backend, path);
                pt.restoreHandle(ino, h, false, true);
                ctx.handles().put(fh, h);
                reopened++;
                continue;
            }
            if (writable || path == null) {
                ctx.lostWriters().add(fh);
                if (ino != null) {
                    pt.restoreHandle(ino, null, writable, passthrough);
                    ctx.onLostRelease(fh, () -> pt.undoMode(ino, writable, passthrough));
                }
                continue;
            }
            try {
                io.purefuse.backend.FileInStream in = backend.openFile(path);
                FileHandle h = FileHandle.reader(fh, ino, ctx, in);
                h.openStatus = backend.getStatus(path);
                pt.restoreHandle(ino, h, false, false);
                ctx.handles().put(fh, h);
                reopened++;
            } catch (BackendException ex) {
                LOG.warn("cannot reopen {} for fh {} after the takeover: {}", path, fh, ex.getMessage());
                ctx.lostWriters().add(fh);
                pt.restoreHandle(ino, null, false, false); // still open in the kernel: no passthrough beside it
                ctx.onLostRelease(fh, () -> pt.undoMode(ino, false, false));
            }
        }
        for (Map.Entry<Long, Integer> e : st.backing.entrySet()) {
            Inode ino = table.get(e.getKey());
            if (ino != null) {
                pt.restoreBacking(ino, e.getValue());
            } else {
                LOG.warn("backing id {} of unknown nodeid {} stays registered until unmount", e.getValue(), e.getKey());
            }
        }
        for (Map.Entry<Long, Long> e : st.dirs.entrySet()) {
            Inode ino = table.get(e.getValue());
            if (ino != null) {
                ctx.dirs().put(e.getKey(), new DirHandle(e.getKey(), ino, backend));
            }
        }
        LOG.info("took over {} inodes, {} open files ({} reopened, {} lost with the previous server), {} open "
                + "directories; state log had {} records", st.inodes.size(), st.files.size(), reopened,
                st.files.size() - reopened, st.dirs.size(), st.records);
        return new AlluxioFuseFilesystem(ctx);
    }

    private static io.purefuse.backend.FileStatus statusOrNull(FileSystemBackend backend,
                                                               io.purefuse.backend.AlluxioPath path) {
        try {
            return backend.getStatus(path);
        } catch (BackendException e) {
            return null;
        }
    }

    /** Takeover: adopts the predecessor's backing ids before the first request is read. */
    @Override
    public void passthroughStarted(io.purefuse.session.Passthrough p) {
        ctx.passthrough().adopt(p);
    }

    /** Open file handles (for tests and diagnostics). */
    public int openFileCount() {
        return ctx.handles().size();
    }

    /** The shared state of this mount, for tests in this package (handle and inode counts). */
    VfsContext context() {
        return ctx;
    }

    /**
     * Whether the session should ask the kernel for FUSE passthrough
     * ({@code SessionOptions.passthrough}): on by option and the backend has native file
     * descriptors.
     */
    public boolean wantsPassthrough() {
        return ctx.passthrough().wanted();
    }

    /** The inode table (for tests). */
    InodeTable inodes() {
        return ctx.inodes();
    }

    /** Known inodes, root included (for tests and diagnostics). */
    public int inodeCount() {
        return ctx.inodes().size();
    }

    // ---------------------------------------------------------------- life cycle

    @Override
    public void destroy() {
        close();
    }

    /** Completes every open writer and closes every handle. Idempotent. */
    @Override
    public void close() {
        if (destroyed.compareAndSet(false, true)) {
            ctx.closeAll();
        }
    }

    // ---------------------------------------------------------------- NamespaceOps

    @Override
    public void lookup(Request req, long parent, String name) {
        names.lookup(req, parent, name);
    }

    @Override
    public void forget(long nodeid, long nlookup) {
        names.forget(nodeid, nlookup);
    }

    @Override
    public void readlink(Request req, long nodeid) {
        names.readlink(req, nodeid);
    }

    @Override
    public void symlink(Request req, long parent, String name, String target) {
        names.symlink(req, parent, name, target);
    }

    @Override
    public void mknod(Request req, long parent, String name, int mode, int rdev, int umask) {
        names.mknod(req, parent, name, mode, rdev, umask);
    }

    @Override
    public void mkdir(Request req, long parent, String name, int mode, int umask) {
        names.mkdir(req, parent, name, mode, umask);
    }

    @Override
    public void unlink(Request req, long parent, String name) {
        names.unlink(req, parent, name);
    }

    @Override
    public void rmdir(Request req, long parent, String name) {
        names.rmdir(req, parent, name);
    }

    @Override
    public void rename(Request req, long parent, String name, long newParent, String newName, int flags) {
        names.rename(req, parent, name, newParent, newName, flags);
    }

    @Override
    public void link(Request req, long nodeid, long newParent, String newName) {
        names.link(req, nodeid, newParent, newName);
    }

    // ---------------------------------------------------------------- AttrOps

    @Override
    public void getattr(Request req, long nodeid, long fh) {
        attrs.getattr(req, nodeid, fh);
    }

    @Override
    public void setattr(Request req, long nodeid, SetattrIn in) {
        attrs.setattr(req, nodeid, in);
    }

    @Override
    public void access(Request req, long nodeid, int mask) {
        attrs.access(req, nodeid, mask);
    }

    @Override
    public void statfs(Request req, long nodeid) {
        attrs.statfs(req, nodeid);
    }

    // ---------------------------------------------------------------- OpenOps

    @Override
    public void open(Request req, long nodeid, int flags) {
        opens.open(req, nodeid, flags);
    }

    @Override
    public void create(Request req, long parent, String name, int mode, int umask, int flags) {
        opens.create(req, parent, name, mode, umask, flags);
    }

    // ---------------------------------------------------------------- FileDataOps

    @Override
    public void read(Request req, long nodeid, long fh, long offset, int size, int flags) {
        fileData.read(req, nodeid, fh, offset, size, flags);
    }

    @Override
    public void write(Request req, long nodeid, long fh, long offset, ByteBuf data, int writeFlags, int flags) {
        fileData.write(req, nodeid, fh, offset, data, writeFlags, flags);
    }

    @Override
    public void flush(Request req, long nodeid, long fh, long lockOwner) {
        fileData.flush(req, nodeid, fh, lockOwner);
    }

    @Override
    public void fsync(Request req, long nodeid, long fh, boolean datasync) {
        fileData.fsync(req, nodeid, fh, datasync);
    }

    @Override
    public void release(Request req, long nodeid, long fh, int flags, int releaseFlags, long lockOwner) {
        fileData.release(req, nodeid, fh, flags, releaseFlags, lockOwner);
    }

    // ---------------------------------------------------------------- DirectoryOps

    @Override
    public void opendir(Request req, long nodeid, int flags) {
        dirs.opendir(req, nodeid, flags);
    }

    @Override
    public void readdir(Request req, long nodeid, long fh, long offset, int size) {
        dirs.readdir(req, nodeid, fh, offset, size);
    }

    @Override
    public void readdirplus(Request req, long nodeid, long fh, long offset, int size) {
        dirs.readdirplus(req, nodeid, fh, offset, size);
    }

    @Override
    public void releasedir(Request req, long nodeid, long fh, int flags) {
        dirs.releasedir(req, nodeid, fh, flags);
    }

    @Override
    public void fsyncdir(Request req, long nodeid, long fh, boolean datasync) {
        dirs.fsyncdir(req, nodeid, fh, datasync);
    }

    /** Counts for diagnostics. */
    @Override
    public String toString() {
        AlluxioPath root = ctx.options().rootPath();
        return "AlluxioFuseFilesystem[" + ctx.backend().describe() + " at " + root + ", inodes="
                + ctx.inodes().size() + ", files=" + ctx.handles().size() + ", dirs=" + ctx.dirs().size() + "]";
    }
}
