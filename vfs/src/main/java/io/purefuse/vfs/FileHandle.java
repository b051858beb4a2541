package io.purefuse.vfs;

import io.netty.buffer.ByteBuf;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.RandomAccessFileHandle;
import io.purefuse.session.Request;
import io.purefuse.wire.Errno;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one open file (one FUSE {@code fh}).
 *
 * <p>Modes:
 * <ul>
 *   <li>{@link Mode#READ}: a positional {@link FileInStream}; reads are lock free (the stream is
 *   thread safe), so parallel READs of one handle run in parallel.</li>
 *   <li>{@link Mode#SEQUENTIAL}: the backend's create stream ({@link FileOutStream}), the fast
 *   path and the only one Alluxio workers have. A write must land at the stream position. Writes
 *   that arrive ahead of it (parallel async O_DIRECT writes reach the reader threads out of order)
 *   are held, copied, for up to {@link VfsOptions#reorderWait()} and applied once the gap is
 *   filled. A write that stays non-sequential is converted to a random-access writer if
 *   {@link VfsOptions#randomAccess()}, else answered EOPNOTSUPP.</li>
 *   <li>{@link Mode#PENDING}: opened for writing without O_TRUNC while random access is off. The
 *   first write decides: offset 0 of an empty file starts a sequential overwrite; anything else
 *   (append, overwrite of existing bytes) is EOPNOTSUPP.</li>
 *   <li>{@link Mode#RANDOM}: {@link RandomAccessFileHandle}: reads and writes anywhere.</li>
 *   <li>{@link Mode#FLUSHED}: a sequential file completed at FLUSH whose open file the store
 *   could not keep; see below.</li>
 * </ul>
 *
 * <p>Completion at close: FLUSH is synchronous with {@code close(2)} (RELEASE is not: it runs after
 * {@code close(2)} returned), so the FLUSH of a sequential writer that wrote since its last FLUSH
 * completes the file in the store: when {@code close(2)} of the descriptor returns 0, every client
 * of the store (another mount, another worker client) sees the whole file. Only a FLUSH from a
 * process that wrote through this open file counts: every child a writer forks (a JVM or Python
 * starting a subprocess) closes its inherited copies of the descriptors, and each such close is a
 * FLUSH that must not end the parent's stream (the file is then completed at the parent's own
 * close or at RELEASE). A FLUSH with nothing new
 * (the shell's {@code dup2} + {@code close} before the first write, a created file never written)
 * changes nothing: such a file is completed at RELEASE, as before. Writes can
 * still follow through another descriptor of the same open file ({@code dup}, a forked child
 * closing its inherited copy): a write at the end of the completed file continues it through the
 * same open file when the store can hand it over ({@link FileOutStream#sameFile()}, local UFS), else
 * by reopening it for random writes when the store has {@code RANDOM_WRITE}; a store that can do
 * neither answers EOPNOTSUPP (its completed files are immutable). Without the random-access
 * property such a continued file still only grows at its end.
 *
 * <p>Writes, mode changes and release are serialised by the handle's monitor; a sequential
 * stream is therefore never written by two threads, and at most one sequential writer exists per
 * inode ({@link Inode#sequentialWriter}), so data can never tear.
 */
final class FileHandle {
    private static final Logger LOG = LoggerFactory.getLogger(FileHandle.class);

    enum Mode { READ, PENDING, SEQUENTIAL, RANDOM, FLUSHED }

    /** A write held until the stream reaches its offset. */
    private static final class Parked {
        final Request req;
        final long offset;
        final byte[] data;
        ScheduledFuture<?> timeout;

        Parked(Request req, long offset, byte[] data) {
            this.req = req;
            this.offset = offset;
            this.data = data;
        }
    }

    final long fh;
    final Inode inode;
    final boolean writable;
    private final VfsContext fs;
    private final FileSystemBackend backend;

    /** Status seen at open (answers fstat of an open, unlinked file). */
    volatile io.purefuse.backend.FileStatus openStatus;
    private volatile Mode mode;
    private volatile FileInStream reader;
    private volatile FileOutStream out;
    private volatile RandomAccessFileHandle raf;
    private long baseSize;
    private TreeMap<Long, Parked> parked;
    private long parkedBytes;
    private boolean released;
    /** The open's mode was counted on the inode ({@link PassthroughOpens#choose}). */
    private boolean modeCounted;
    /** The backing file the kernel serves this open's I/O from, or null (our own path). */
    private volatile io.purefuse.session.BackingFile backing;
    private volatile boolean restoredPassthrough;
    /** Written since the last FLUSH (the next FLUSH completes or syncs the file). */
    private boolean dirty;
    /** RANDOM after completion at FLUSH without the random-access property: writes only at the end. */
    private boolean appendOnly;
    /** Thread id of the last WRITE and the processes (thread groups) that wrote; see {@link #flush}. */
    private int lastWriterTid = Integer.MIN_VALUE;
    private int[] writerTgids = new int[0];
    /** A write came from a caller whose process is unknown: any FLUSH may complete. */
    private boolean unknownWriter;
    /** A refusal of the sequential-write default was logged for this open file. */
    private boolean refusalLogged;

    private FileHandle(long fh, Inode inode, boolean writable, VfsContext fs, Mode mode) {
        this.fh = fh;
        this.inode = inode;
        this.writable = writable;
        this.fs = fs;
        this.backend = fs.backend();
        this.mode = mode;
        fs.inodes().pin(inode); // until release(): a FORGET overtaking RELEASE must not drop the write state
    }

    static FileHandle reader(long fh, Inode inode, VfsContext fs, FileInStream in) {
        FileHandle h = new FileHandle(fh, inode, false, fs, Mode.READ);
        h.reader = in;
        return h;
    }

    static FileHandle sequential(long fh, Inode inode, VfsContext fs, FileOutStream out) {
        FileHandle h = new FileHandle(fh, inode, true, fs, Mode.SEQUENTIAL);
        h.out = out;
        return h;
    }

    static FileHandle pending(long fh, Inode inode, VfsContext fs, long baseSize) {
        FileHandle h = new FileHandle(fh, inode, true, fs, Mode.PENDING);
        h.baseSize = baseSize;
        return h;
    }

    static FileHandle random(long fh, Inode inode, VfsContext fs, RandomAccessFileHandle raf) {
        FileHandle h = new FileHandle(fh, inode, true, fs, Mode.RANDOM);
        h.raf = raf;
        return h;
    }

    Mode mode() {
        return mode;
    }

    /**
     * Takes over the open mode chosen by {@link PassthroughOpens#choose}: {@link #release()}
     * undoes it (and closes the inode's backing registration after its last passthrough open).
     */
    synchronized void attach(io.purefuse.session.BackingFile b) {
        modeCounted = true;
        backing = b;
    }

    /** The backing file the kernel serves this open's I/O from, or null. */
    io.purefuse.session.BackingFile backing() {
        return backing;
    }

    /**
     * Takeover: the predecessor answered this open with passthrough and counted it on the inode
     * ({@link PassthroughOpens#restoreHandle}); {@link #release()} undoes that count.
     */
    synchronized void restoredPassthrough() {
        restoredPassthrough = true;
        modeCounted = true;
    }

    /** Whether the kernel serves this open's I/O from a backing file (now or once adopted). */
    boolean isPassthrough() {
        return backing != null || restoredPassthrough;
    }

    /**
     * The file's path, for the operations that must reach it by name.
     *
     * @throws io.purefuse.session.FuseErrnoException ESTALE once the file was unlinked or
     *     replaced: its old name may belong to another file, which must never be touched
     */
    private AlluxioPath path() {
        return fs.inodes().path(inode);
    }

    /** Drops cached metadata of the file's (last) path; never fails. */
    private void invalidateCache() {
        fs.metadata().invalidate(fs.inodes().lastPath(inode));
    }

    /**
     * The file's status as this handle sees it: the attributes seen at open with the length of
     * the open stream (answers fstat of an unlinked or replaced file without touching its old
     * name).
     */
    synchronized io.purefuse.backend.FileStatus status() throws BackendException {
        io.purefuse.backend.FileStatus st = openStatus;
        if (st == null || released) {
            throw Errors.fail(Errno.ESTALE, "no status for " + this);
        }
        long len;
        switch (mode) {
            case READ -> len = reader != null ? reader.length() : st.length();
            case RANDOM -> len = raf.length();
            case SEQUENTIAL -> len = out.position();
            default -> len = baseSize; // PENDING, FLUSHED
        }
        return st.toBuilder().length(len).build();
    }

    /**
     * A passthrough reader opens no stream (the kernel reads the file itself); should a READ
     * still come (e.g. a kernel that sends some), open it then.
     */
    private synchronized FileInStream openReaderLate() throws BackendException {
        checkOpen();
        if (reader == null) {
            reader = backend.openFile(path());
        }
        return reader;
    }

    /** Bytes written so far by a sequential stream, or -1 if this handle does not know the size. */
    long sequentialSize() {
        FileOutStream o = out;
        return mode == Mode.SEQUENTIAL && o != null ? o.position() : -1;
    }

    // ---------------------------------------------------------------- reads

    /** Reads up to {@code dst.remaining()} bytes at {@code offset}; returns the count (0 at EOF). */
    int read(long offset, ByteBuffer dst) throws BackendException {
        FileInStream in = readSource();
        int total = 0;
        while (dst.hasRemaining()) {
            int n = in.read(offset + total, dst);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private FileInStream readSource() throws BackendException {
        Mode m = mode;
        if (m == Mode.READ) {
            FileInStream r = reader;
            return r != null ? r : openReaderLate();
        }
        if (m == Mode.RANDOM) {
            RandomAccessFileHandle r = raf;
            if (r != null) {
                return r;
            }
        }
        synchronized (this) {
            checkOpen();
            if (mode == Mode.SEQUENTIAL && fs.options().randomAccess()) {
                toRandom();
            }
            if (mode == Mode.RANDOM) {
                return raf;
            }
            if (mode == Mode.SEQUENTIAL) {
                out.flush(); // make what was written readable
                if (reader == null && out.hasSameFileAccess()) {
                    // Read back own writes through the open file itself: works after an unlink
                    // (Python's TemporaryFile: mkstemp, unlink, write, seek, read).
                    reader = out.sameFileReader();
                }
            }
            if (reader == null) {
                reader = backend.openFile(path());
            }
            return reader;
        }
    }

    // ---------------------------------------------------------------- writes

    /**
     * Writes {@code data} at {@code offset} and answers {@code req} (now, or later for a write
     * held for reordering). {@code data} is only valid during the call.
     *
     * @param directIo the file was opened O_DIRECT: the kernel sends one large write as parallel
     *     requests that may arrive out of order, so a write ahead of the stream is held for
     *     {@link VfsOptions#reorderWait()}. Any other write ahead of the stream is a real seek
     *     (nothing will fill the gap): with random access on it converts at once, without the wait.
     */
    void write(Request req, long offset, ByteBuf data, boolean directIo) throws BackendException {
        int len = data.readableBytes();
        synchronized (this) {
            checkOpen();
            noteWriter(req.pid());
            if (mode == Mode.PENDING) {
                startFromPending(offset);
            } else if (mode == Mode.FLUSHED) {
                continueAfterFlush(offset);
            }
            if (mode == Mode.SEQUENTIAL) {
                long pos = out.position();
                if (offset == pos) {
                    out.write(data.nioBuffer());
                    dirty = true;
                    req.replyWrite(len);
                    drainParked();
                    return;
                }
                boolean mayReorder = directIo || !fs.options().randomAccess();
                if (offset > pos && mayReorder && parkedBytes + len <= fs.options().reorderWindow()) {
                    park(req, offset, data);
                    return;
                }
                if (!fs.options().randomAccess()) {
                    throw refuse("a non-sequential write at offset " + offset + " (stream at " + pos + ")");
                }
                toRandom();
            }
            if (mode == Mode.RANDOM) {
                if (appendOnly && offset != raf.length()) {
                    throw refuse("a non-sequential write at offset " + offset + " after close(2) completed the file");
                }
                raf.write(offset, data.nioBuffer());
                dirty = true;
                invalidateCache();
                req.replyWrite(len);
                return;
            }
            throw Errors.fail(Errno.EBADF, "handle not open for writing");
        }
    }

    /**
     * FLUSHED: a write after the file was completed at FLUSH (through a dup'd or inherited
     * descriptor). At the end of the file it continues the file (reopened for random writes, only
     * at the end unless the random-access property is set); elsewhere the random-access rules apply.
     */
    private void continueAfterFlush(long offset) throws BackendException {
        boolean random = fs.options().randomAccess();
        if (offset != baseSize && !random) {
            throw refuse("a non-sequential write at offset " + offset + " after close(2) completed the file at size "
                    + baseSize);
        }
        if (!fs.caps().contains(io.purefuse.backend.Capability.RANDOM_WRITE)) {
            throw Errors.fail(Errno.EOPNOTSUPP, "write after close(2) completed the file: "
                    + backend.describe() + " cannot reopen a completed file for writing");
        }
        raf = backend.openForRandomWrite(path());
        mode = Mode.RANDOM;
        appendOnly = !random;
        invalidateCache();
    }

    /** PENDING: the first write decides between a sequential overwrite and EOPNOTSUPP. */
    private void startFromPending(long offset) throws BackendException {
        if (baseSize != 0) {
            throw refuse((offset == baseSize ? "an append" : "an overwrite") + " at offset " + offset
                    + " of an existing file of " + baseSize + " bytes");
        }
        synchronized (inode) {
            if (inode.sequentialWriter != null || inode.writeHandles > 1) {
                throw Errors.fail(Errno.EBUSY, "another writer has the file open");
            }
            FileOutStream s = backend.createFile(path(), CreateOptions.builder().overwrite(true).build());
            out = s;
            mode = Mode.SEQUENTIAL;
            inode.sequentialWriter = this;
        }
        invalidateCache();
    }

    private void park(Request req, long offset, ByteBuf data) {
        byte[] copy = new byte[data.readableBytes()];
        data.getBytes(data.readerIndex(), copy);
        Parked p = new Parked(req, offset, copy);
        if (parked == null) {
            parked = new TreeMap<>();
        }
        Parked old = parked.put(offset, p);
        if (old != null) {
            // Same offset written twice before the gap closed: the newer data wins, like pwrite.
            parkedBytes -= old.data.length;
            cancelTimeout(old);
            old.req.replyWrite(old.data.length);
        }
        parkedBytes += copy.length;
        dirty = true;
        long waitMs = Math.max(1, fs.options().reorderWait().toMillis());
        p.timeout = fs.scheduler().schedule(() -> parkTimedOut(p), waitMs, TimeUnit.MILLISECONDS);
    }

    private static void cancelTimeout(Parked p) {
        if (p.timeout != null) {
            p.timeout.cancel(false);
        }
    }

    /** Applies held writes that the stream has reached. Called with the monitor held. */
    private void drainParked() {
        while (parked != null && !parked.isEmpty() && mode == Mode.SEQUENTIAL) {
            Map.Entry<Long, Parked> first = parked.firstEntry();
            long pos = out.position();
            if (first.getKey() > pos) {
                return;
            }
            parked.pollFirstEntry();
            Parked p = first.getValue();
            parkedBytes -= p.data.length;
            cancelTimeout(p);
            try {
                if (p.offset == pos) {
                    out.write(ByteBuffer.wrap(p.data));
                    p.req.replyWrite(p.data.length);
                } else if (fs.options().randomAccess()) {
                    toRandom(); // applies p's successors too
                    raf.write(p.offset, ByteBuffer.wrap(p.data));
                    p.req.replyWrite(p.data.length);
                } else {
                    logRefusal("a write at offset " + p.offset + " behind the stream (at " + pos + ")");
                    p.req.replyError(Errno.EOPNOTSUPP);
                }
            } catch (Throwable t) {
                p.req.replyError(Errors.errno(t));
            }
        }
    }

    private void parkTimedOut(Parked p) {
        synchronized (this) {
            if (parked == null || parked.get(p.offset) != p) {
                return; // already applied
            }
            if (fs.options().randomAccess() && !released) {
                try {
                    toRandom();
                    return; // toRandom applied every held write
                } catch (Throwable t) {
                    failParked(Errors.errno(t));
                    return;
                }
            }
            parked.remove(p.offset);
            parkedBytes -= p.data.length;
            logRefusal("a write at offset " + p.offset + " that never became sequential");
            p.req.replyError(Errno.EOPNOTSUPP);
        }
    }

    private void failParked(int errno) {
        if (parked == null) {
            return;
        }
        for (Parked p : parked.values()) {
            cancelTimeout(p);
            p.req.replyError(errno);
        }
        parked.clear();
        parkedBytes = 0;
    }

    /**
     * SEQUENTIAL -> RANDOM: opens the file for random access, then completes the stream (the
     * file keeps what was written) and applies held writes. Monitor held. If the file cannot be
     * opened (unlinked or replaced: ESTALE, store errors) nothing changes: the stream stays.
     */
    private void toRandom() throws BackendException {
        if (mode == Mode.RANDOM) {
            return;
        }
        // A stream that can hand over its open file converts without touching the path, so an
        // unlinked or renamed file keeps working through its descriptor, as in POSIX.
        RandomAccessFileHandle r = mode == Mode.SEQUENTIAL && out.hasSameFileAccess()
                ? out.sameFile()
                : backend.openForRandomWrite(path());
        Throwable closeFailure = null;
        if (mode == Mode.SEQUENTIAL) {
            FileOutStream s = out;
            try {
                s.close();
            } catch (Throwable t) {
                // The stream did not complete cleanly: continue on the random-access handle
                // (it sees what the store has) but report the failure to this caller.
                closeFailure = t;
            } finally {
                // The cache may hold a status loaded while the stream was being written (its
                // length is stale: getattr used the stream position instead): drop it before
                // the writer stops answering for the size.
                invalidateCache();
                out = null;
                raf = r;
                mode = Mode.RANDOM;
                clearSequentialWriter();
            }
        } else {
            raf = r;
            mode = Mode.RANDOM;
        }
        if (parked != null) {
            for (Iterator<Parked> it = parked.values().iterator(); it.hasNext(); ) {
                Parked p = it.next();
                it.remove();
                cancelTimeout(p);
                try {
                    raf.write(p.offset, ByteBuffer.wrap(p.data));
                    p.req.replyWrite(p.data.length);
                } catch (Throwable t) {
                    p.req.replyError(Errors.errno(t));
                }
            }
            parkedBytes = 0;
        }
        invalidateCache();
        if (closeFailure instanceof BackendException b) {
            throw b;
        } else if (closeFailure instanceof RuntimeException e) {
            throw e;
        } else if (closeFailure instanceof Error e) {
            throw e;
        }
    }

    /** Converts a sequential writer so that another handle may write too (random access on). */
    void convertToRandom() throws BackendException {
        synchronized (this) {
            if (released) {
                // Released meanwhile by its own RELEASE: release() already cleared the inode's
                // sequential writer under this lock, so there is nothing to convert. (Failing
                // here answered a concurrent OPEN with EBADF; found by ConcurrentStressTest.)
                return;
            }
            if (mode == Mode.SEQUENTIAL) {
                toRandom();
            } else {
                // FLUSHED (or already random after FLUSH) stays the inode's writer until its
                // RELEASE, which the kernel sends after close(2) has returned; a writer opening
                // in that gap must not get EBUSY (DurabilityModelTest seed 9995777761092).
                // A later write through this handle reopens the file for random access.
                clearSequentialWriter();
            }
        }
    }

    private void clearSequentialWriter() {
        boolean cleared = false;
        synchronized (inode) {
            if (inode.sequentialWriter == this) {
                inode.sequentialWriter = null;
                cleared = true;
            }
        }
        if (cleared) {
            inode.runWriterWaiters();
        }
    }

    /**
     * SETATTR size through this handle (ftruncate, or the truncate that follows open(O_TRUNC)
     * when the kernel did not pass O_TRUNC itself).
     */
    void truncate(long size) throws BackendException {
        synchronized (this) {
            checkOpen();
            if (mode == Mode.SEQUENTIAL && size == out.position()) {
                return;
            }
            if (mode == Mode.PENDING || mode == Mode.FLUSHED) {
                if (size == baseSize) {
                    return;
                }
                if (size == 0) {
                    fs.truncateToZero(inode, path());
                    baseSize = 0;
                    return;
                }
            }
            if (!fs.options().randomAccess()) {
                if (mode == Mode.SEQUENTIAL && size == 0 && parked == null) {
                    // Restart the stream: overwrite in place from offset 0.
                    FileOutStream s = out;
                    out = backend.createFile(path(), CreateOptions.builder().overwrite(true).build());
                    s.close();
                    invalidateCache();
                    return;
                }
                throw refuse("a truncate to " + size + " bytes");
            }
            if (mode == Mode.READ) {
                throw Errors.fail(Errno.EBADF, "not open for writing");
            }
            if (mode == Mode.FLUSHED) {
                continueAfterFlush(baseSize);
            }
            toRandom();
            raf.truncate(size);
            dirty = true;
            invalidateCache();
        }
    }

    // ---------------------------------------------------------------- flush / fsync / release

    /** Remembers which process wrote (cheap: the /proc lookup runs only when the thread changes). */
    private void noteWriter(int tid) {
        if (tid == lastWriterTid) {
            return;
        }
        lastWriterTid = tid;
        int tgid = ProcessIds.tgidOf(tid);
        if (tgid < 0) {
            unknownWriter = true;
            return;
        }
        for (int t : writerTgids) {
            if (t == tgid) {
                return;
            }
        }
        writerTgids = java.util.Arrays.copyOf(writerTgids, writerTgids.length + 1);
        writerTgids[writerTgids.length - 1] = tgid;
    }

    /** Whether a FLUSH from thread {@code tid} comes from a process that wrote through this handle. */
    private boolean flushedByAWriter(int tid) {
        if (unknownWriter) {
            return true;
        }
        int tgid = ProcessIds.tgidOf(tid);
        for (int t : writerTgids) {
            if (t == tgid) {
                return true;
            }
        }
        return false;
    }

    /**
     * FLUSH (every close(2) of a descriptor of this open file; synchronous with it) from thread
     * {@code tid}: a sequential file written since the last FLUSH is completed in the store if the
     * closing process is one that wrote it. Errors reach close(2). See the class comment.
     */
    void flush(int tid) throws BackendException {
        synchronized (this) {
            if (released || !dirty) {
                return;
            }
            if (mode == Mode.SEQUENTIAL && !flushedByAWriter(tid)) {
                if (out != null) {
                    out.flush(); // a child closing its inherited copy: hand data over, keep writing
                }
                return;
            }
            if (mode == Mode.SEQUENTIAL) {
                if (parked != null && !parked.isEmpty()) {
                    // close(2) after writes with a gap that was never filled.
                    if (fs.options().randomAccess()) {
                        toRandom();
                    } else {
                        logRefusal("writes with a gap that was never filled");
                        failParked(Errno.EOPNOTSUPP);
                    }
                }
            }
            if (mode == Mode.SEQUENTIAL) {
                completeAtFlush();
            }
            // RANDOM: the store applies positional writes in place (nothing to complete).
            dirty = false;
        }
    }

    /**
     * Completes the sequential stream (the file is whole in the store from now on), keeping the
     * open file when the store can hand it over so that a later write through a dup'd descriptor
     * can continue it. Monitor held.
     */
    private void completeAtFlush() throws BackendException {
        FileOutStream s = out;
        long len = s.position();
        RandomAccessFileHandle keep = s.hasSameFileAccess() ? s.sameFile() : null;
        try {
            s.close();
        } catch (BackendException | RuntimeException e) {
            if (keep != null) {
                closeQuietly(keep, null);
            }
            throw e;
        } finally {
            invalidateCache(); // before the writer stops answering for the size (see toRandom)
        }
        out = null;
        dirty = false;
        if (keep != null) {
            raf = keep;
            mode = Mode.RANDOM;
            appendOnly = !fs.options().randomAccess();
        } else {
            baseSize = len;
            mode = Mode.FLUSHED;
        }
        // Still the inode's writer until RELEASE (Inode#sequentialWriter): another open for writing
        // right after close(2) waits for the RELEASE as before instead of failing EBUSY, and a dup'd
        // descriptor may still continue the file.
        invalidateCache();
    }

    void fsync() throws BackendException {
        synchronized (this) {
            checkOpen();
            if (mode == Mode.SEQUENTIAL) {
                out.sync();
            } else if (mode == Mode.RANDOM) {
                raf.sync();
            }
        }
    }

    /**
     * RELEASE: completes a sequential file, closes everything. Idempotent. Every step runs
     * whatever the previous ones threw (the write count, the inode pin and parked writes must
     * never leak); the first failure is rethrown at the end.
     */
    void release() throws BackendException {
        Throwable failure = null;
        synchronized (this) {
            if (released) {
                return;
            }
            if (parked != null && !parked.isEmpty()) {
                if (fs.options().randomAccess()) {
                    try {
                        toRandom(); // applies the held writes
                    } catch (Throwable t) {
                        failure = t;
                    }
                }
                try {
                    failParked(failure != null ? Errors.errno(failure) : Errno.EOPNOTSUPP);
                } catch (Throwable t) {
                    failure = first(failure, t);
                }
            }
            released = true;
            FileOutStream o = out;
            if (o != null) {
                try {
                    o.close();
                } catch (Throwable t) {
                    failure = first(failure, t);
                }
                try {
                    invalidateCache(); // before the writer stops answering for the size (see toRandom)
                } catch (Throwable t) {
                    failure = first(failure, t);
                }
            }
            out = null;
            failure = closeQuietly(raf, failure);
            failure = closeQuietly(reader, failure);
            boolean cleared = false;
            synchronized (inode) {
                if (writable) {
                    inode.writeHandles--;
                }
                if (inode.sequentialWriter == this) {
                    inode.sequentialWriter = null;
                    cleared = true;
                }
            }
            try {
                invalidateCache();
            } catch (Throwable t) {
                failure = first(failure, t);
            }
            if (modeCounted) {
                modeCounted = false;
                fs.passthrough().undoMode(inode, writable, isPassthrough());
            }
            fs.inodes().unpin(inode);
            if (cleared) {
                try {
                    inode.runWriterWaiters(); // after writeHandles-- so a waiting opener sees the file free
                } catch (Throwable t) {
                    failure = first(failure, t);
                }
            }
        }
        if (failure instanceof BackendException b) {
            throw b;
        } else if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        }
    }

    private static Throwable first(Throwable a, Throwable b) {
        return a != null ? a : b;
    }

    private static Throwable closeQuietly(AutoCloseable c, Throwable failure) {
        if (c == null) {
            return failure;
        }
        try {
            c.close();
        } catch (BackendException e) {
            return failure == null ? e : failure;
        } catch (Throwable e) {
            LOG.debug("close failed", e);
        }
        return failure;
    }

    /**
     * EOPNOTSUPP for a write the sequential-write default cannot do, logged (see
     * {@link #logRefusal}).
     */
    private io.purefuse.session.FuseErrnoException refuse(String what) {
        logRefusal(what);
        return Errors.fail(Errno.EOPNOTSUPP, what + " needs " + FuseConfig.RANDOM_ACCESS + "=true");
    }

    /**
     * Says once per open file, at WARN, why a write was refused: an application that sees
     * EOPNOTSUPP rarely tells its user, and the fix is one property.
     */
    private void logRefusal(String what) {
        if (refusalLogged) {
            return;
        }
        refusalLogged = true;
        LOG.warn("refused {} of {}: files are written sequentially by default; set {}=true to allow appends and "
                + "in-place writes (logged once per open file)", what, fs.inodes().lastPath(inode),
                FuseConfig.RANDOM_ACCESS);
    }

    private void checkOpen() {
        if (released) {
            throw Errors.fail(Errno.EBADF, "handle released");
        }
    }

    @Override
    public String toString() {
        return "FileHandle[" + fh + " " + mode + " " + inode + "]";
    }
}
