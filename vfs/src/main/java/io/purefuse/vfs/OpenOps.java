package io.purefuse.vfs;

import static io.purefuse.vfs.VfsContext.O_ACCMODE;
import static io.purefuse.vfs.VfsContext.O_EXCL;
import static io.purefuse.vfs.VfsContext.O_RDONLY;
import static io.purefuse.vfs.VfsContext.O_TRUNC;
import static io.purefuse.vfs.VfsContext.fail;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.AlreadyExistsException;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.RandomAccessFileHandle;
import io.purefuse.session.Request;
import io.purefuse.wire.Errno;
import io.purefuse.wire.OpenFlags;
import io.purefuse.wire.out.EntryOut;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening files: OPEN and CREATE, the choice of handle (reader, sequential, random-access or
 * pending writer), the single-sequential-writer rule with its wait, and open flags
 * (FOPEN_KEEP_CACHE, FOPEN_DIRECT_IO, FOPEN_NOFLUSH). Handles whose reply never reached the
 * kernel are released here, since no RELEASE will come.
 */
final class OpenOps {
    private static final Logger LOG = LoggerFactory.getLogger(OpenOps.class);

    private final VfsContext ctx;
    private final FileSystemBackend backend;
    private final VfsOptions options;
    private final InodeTable table;
    private final MetadataCache metadata;
    private final Map<Long, FileHandle> handles;
    private final ScheduledExecutorService scheduler;
    private final long entryNs;
    private final long attrNs;

    OpenOps(VfsContext ctx) {
        this.ctx = ctx;
        this.backend = ctx.backend();
        this.options = ctx.options();
        this.table = ctx.inodes();
        this.metadata = ctx.metadata();
        this.handles = ctx.handles();
        this.scheduler = ctx.scheduler();
        this.entryNs = ctx.entryNs();
        this.attrNs = ctx.attrNs();
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

    void open(Request req, long nodeid, int flags) {
        try {
            Inode ino = ctx.inode(nodeid);
            AlluxioPath path = table.path(ino);
            if ((flags & O_ACCMODE) == O_RDONLY) {
                FileStatus st = ctx.statusOrThrow(path);
                if (st.isDirectory()) {
                    throw Errors.fail(Errno.EISDIR, "is a directory");
                }
                FileInStream in = backend.openFile(path);
                FileHandle h = FileHandle.reader(ctx.nextFh(), ino, ctx, in);
                h.openStatus = st;
                replyOpen(req, h, openFlagsFor(ino, st, false));
                return;
            }
            ctx.checkWritable();
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
        long fh = ctx.nextFh();
        try {
            FileHandle h;
            if (trunc && alone) {
                metadata.invalidate(path);
                FileOutStream out = backend.createFile(path, CreateOptions.builder().overwrite(true).build());
                h = FileHandle.sequential(fh, ino, ctx, out);
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
                h = FileHandle.random(fh, ino, ctx, raf);
                try {
                    h.openStatus = ctx.cachedStatus(path);
                } catch (BackendException e) {
                    h.release();
                    throw e;
                }
            } else if (trunc) {
                throw Errors.fail(Errno.EBUSY, path + " is open for writing by another handle");
            } else {
                FileStatus st = ctx.freshStatus(path);
                if (st.isDirectory()) {
                    throw Errors.fail(Errno.EISDIR, "is a directory");
                }
                h = FileHandle.pending(fh, ino, ctx, st.length());
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

    void create(Request req, long parent, String name, int mode, int umask, int flags) {
        try {
            ctx.checkWritable();
            Inode p = ctx.inode(parent);
            AlluxioPath path = ctx.child(ctx.dirPath(p), name);
            FileOutStream out;
            metadata.invalidateWithParent(path);
            try {
                out = backend.createFile(path, ctx.createOptions(req, mode, umask));
            } catch (AlreadyExistsException e) {
                if ((flags & O_EXCL) != 0) {
                    throw e;
                }
                // The kernel believed the name was free (stale negative entry): open the existing file.
                FileStatus st = ctx.freshStatus(path);
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
                    ctx.fillAttr(eo.attr(), c, ctx.freshStatus(path));
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
            FileHandle h = FileHandle.sequential(ctx.nextFh(), c, ctx, out);
            h.openStatus = out.initialStatus();
            synchronized (c) {
                c.writeHandles++;
                c.sequentialWriter = h;
            }
            EntryOut eo = req.entry();
            eo.nodeid(c.nodeid).entryValidNanos(entryNs).attrValidNanos(attrNs);
            ctx.fillAttr(eo.attr(), c, out.initialStatus());
            replyCreate(req, eo, c, h);
        } catch (Throwable t) {
            fail(req, t);
        }
    }
}
