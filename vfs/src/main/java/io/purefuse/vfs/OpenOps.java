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
import io.purefuse.session.BackingFile;
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
    private final PassthroughOpens passthrough;

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
        this.passthrough = ctx.passthrough();
    }

    /**
     * CREATE reply; if it never reaches the kernel (interrupted), nobody will RELEASE the handle
     * or FORGET the entry, so do both here.
     */
    private void replyCreate(Request req, EntryOut eo, Inode c, FileHandle h) {
        long fh = register(h);
        BackingFile b = h.backing();
        if (!req.replyCreate(eo, fh, withBacking(openFlagsFor(c, null, true), b), b)) {
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
        BackingFile b = h.backing();
        if (!req.replyOpen(fh, withBacking(openFlags, b), b)) {
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

    /**
     * A passthrough open carries neither FOPEN_DIRECT_IO (it would send reads and writes back
     * to us) nor FOPEN_KEEP_CACHE (the kernel refuses it; the session drops it): the kernel
     * reads the UFS file through that file's own page cache, which is always current.
     */
    private static int withBacking(int openFlags, BackingFile b) {
        return b == null ? openFlags : openFlags & ~(OpenFlags.FOPEN_DIRECT_IO | OpenFlags.FOPEN_KEEP_CACHE);
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
            AlluxioPath path = pathToOpen(ino);
            if ((flags & O_ACCMODE) == O_RDONLY) {
                // auto_cache keeps the page cache only if the file is unchanged: a cached status
                // could hide a change made in the UFS and keep stale pages, so ask the store.
                FileStatus st = options.autoCache() && !options.kernelCache()
                        ? ctx.freshStatus(path) : ctx.statusOrThrow(path);
                if (st.isDirectory()) {
                    throw Errors.fail(Errno.EISDIR, "is a directory");
                }
                if ((flags & O_TRUNC) != 0) {
                    st = truncateForReadOnlyOpen(ino, path, st);
                }
                BackingFile b = passthrough.choose(req, ino, path, false, passthrough.asksToRead(st.length()));
                FileHandle h;
                try {
                    // A passthrough reader needs no stream: the kernel reads the file itself.
                    FileInStream in = b == null ? backend.openFile(path) : null;
                    h = FileHandle.reader(ctx.nextFh(), ino, ctx, in);
                } catch (Throwable t) {
                    passthrough.undo(ino, b, false);
                    throw t;
                }
                h.attach(b);
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

    /**
     * The path to open {@code ino} by. An OPEN can reach an inode that was unlinked or replaced
     * after the kernel looked it up. While the name belongs to a file, ESTALE makes the kernel
     * look it up again and retry once (do_filp_open with LOOKUP_REVAL); when the name is free,
     * the open came after the removal and answers ENOENT, as a local file system would. (Always
     * ESTALE let a second race through to the application: 5 opens in 15 s of a reader racing
     * rename-then-unlink, DurabilityModelTest in CI.)
     */
    private AlluxioPath pathToOpen(Inode ino) throws BackendException {
        AlluxioPath p = table.pathOrNull(ino);
        if (p != null) {
            return p;
        }
        AlluxioPath last = table.lastPath(ino);
        if (last != null) {
            try {
                ctx.freshStatus(last); // rare (a race lost), so ask the store rather than the cache
            } catch (io.purefuse.backend.NotFoundException free) {
                throw Errors.fail(Errno.ENOENT, last + " was removed before the open");
            }
        }
        throw Errors.fail(Errno.ESTALE, ino + " was unlinked or replaced");
    }

    /**
     * O_RDONLY|O_TRUNC: unspecified by POSIX, but Linux empties the file (the kernel has checked
     * write permission already, and with ATOMIC_O_TRUNC leaves the truncation to us).
     */
    private FileStatus truncateForReadOnlyOpen(Inode ino, AlluxioPath path, FileStatus st) throws BackendException {
        ctx.checkWritable();
        FileHandle writer;
        synchronized (ino) {
            writer = ino.sequentialWriter;
        }
        if (writer != null) {
            writer.truncate(0);
        } else if (st.length() > 0) {
            ctx.truncateToZero(ino, path);
        } else {
            return st;
        }
        return ctx.freshStatus(path);
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
            FileHandle h = tryOpenForWrite(req, ino, flags, System.nanoTime() < deadline);
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
    private FileHandle tryOpenForWrite(Request req, Inode ino, int flags, boolean mayWait) throws BackendException {
        AlluxioPath path = pathToOpen(ino);
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
        BackingFile b;
        try {
            b = passthrough.choose(req, ino, path, true, passthrough.asks(true));
        } catch (Throwable t) {
            synchronized (ino) {
                ino.writeHandles--;
            }
            throw t;
        }
        FileHandle h = null;
        try {
            if (b != null) {
                // The kernel writes the file itself; the random-access handle answers ftruncate,
                // fsync and fstat of the open file.
                h = FileHandle.random(fh, ino, ctx, openRandom(path, trunc));
            } else if (trunc && alone) {
                metadata.invalidate(path);
                FileOutStream out = backend.createFile(path, CreateOptions.builder().overwrite(true).build());
                h = FileHandle.sequential(fh, ino, ctx, out);
                h.openStatus = out.initialStatus();
                synchronized (ino) {
                    ino.sequentialWriter = h;
                }
                metadata.invalidate(path);
            } else if (options.randomAccess()) {
                h = FileHandle.random(fh, ino, ctx, openRandom(path, trunc));
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
            h.attach(b); // from here on h.release() undoes the counts
            if (h.mode() == FileHandle.Mode.RANDOM) {
                h.openStatus = ctx.cachedStatus(path);
            }
            return h;
        } catch (Throwable t) {
            if (h != null) {
                try {
                    h.release();
                } catch (Throwable t2) {
                    t.addSuppressed(t2);
                }
            } else {
                passthrough.undo(ino, b, true);
                synchronized (ino) {
                    ino.writeHandles--;
                }
            }
            throw t;
        }
    }

    /** Opens {@code path} for random access, emptied first if {@code trunc}. */
    private RandomAccessFileHandle openRandom(AlluxioPath path, boolean trunc) throws BackendException {
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
        return raf;
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
                if ((flags & O_EXCL) != 0 && req.unique() >= 0) {
                    throw e; // (a resent O_EXCL CREATE finds the file its dead first run made)
                }
                // The kernel believed the name was free (stale negative entry), or this CREATE was
                // resent after a takeover and the previous server made the file: open it.
                FileStatus st = ctx.freshStatus(path);
                if (st.isDirectory()) {
                    throw Errors.fail(Errno.EISDIR, "is a directory");
                }
                Inode c = table.lookup(p, name);
                FileHandle h = null;
                EntryOut eo;
                try {
                    h = tryOpenForWrite(req, c, flags, false);
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
            FileHandle h;
            try {
                h = createdHandle(req, c, path, out);
            } catch (Throwable t) {
                table.forget(c.nodeid, 1);
                throw t;
            }
            EntryOut eo = req.entry();
            eo.nodeid(c.nodeid).entryValidNanos(entryNs).attrValidNanos(attrNs);
            ctx.fillAttr(eo.attr(), c, out.initialStatus());
            replyCreate(req, eo, c, h);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    /**
     * The handle of a file CREATE just made: with passthrough the stream completes the empty
     * file at once and the kernel writes it directly; otherwise the stream is the sequential
     * writer.
     */
    private FileHandle createdHandle(Request req, Inode c, AlluxioPath path, FileOutStream out) throws BackendException {
        BackingFile b;
        try {
            b = passthrough.choose(req, c, path, true, passthrough.asks(true));
        } catch (Throwable t) {
            try {
                out.close();
            } catch (Throwable t2) {
                t.addSuppressed(t2);
            }
            throw t;
        }
        FileHandle h;
        if (b == null) {
            h = FileHandle.sequential(ctx.nextFh(), c, ctx, out);
            synchronized (c) {
                c.writeHandles++;
                c.sequentialWriter = h;
            }
        } else {
            RandomAccessFileHandle raf;
            try {
                out.close();
                raf = backend.openForRandomWrite(path);
            } catch (Throwable t) {
                passthrough.undo(c, b, true);
                throw t;
            }
            synchronized (c) {
                c.writeHandles++;
            }
            h = FileHandle.random(ctx.nextFh(), c, ctx, raf);
            metadata.invalidate(path);
        }
        h.attach(b);
        h.openStatus = out.initialStatus();
        return h;
    }
}
