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
 * </ul>
 *
 * <p>Writes, mode changes and release are serialised by the handle's monitor; a sequential
 * stream is therefore never written by two threads, and at most one sequential writer exists per
 * inode ({@link Inode#sequentialWriter}), so data can never tear.
 */
final class FileHandle {
    private static final Logger LOG = LoggerFactory.getLogger(FileHandle.class);

    enum Mode { READ, PENDING, SEQUENTIAL, RANDOM }

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
    private final AlluxioFuseFilesystem fs;
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

    private FileHandle(long fh, Inode inode, boolean writable, AlluxioFuseFilesystem fs, Mode mode) {
        this.fh = fh;
        this.inode = inode;
        this.writable = writable;
        this.fs = fs;
        this.backend = fs.backend();
        this.mode = mode;
    }

    static FileHandle reader(long fh, Inode inode, AlluxioFuseFilesystem fs, FileInStream in) {
        FileHandle h = new FileHandle(fh, inode, false, fs, Mode.READ);
        h.reader = in;
        return h;
    }

    static FileHandle sequential(long fh, Inode inode, AlluxioFuseFilesystem fs, FileOutStream out) {
        FileHandle h = new FileHandle(fh, inode, true, fs, Mode.SEQUENTIAL);
        h.out = out;
        return h;
    }

    static FileHandle pending(long fh, Inode inode, AlluxioFuseFilesystem fs, long baseSize) {
        FileHandle h = new FileHandle(fh, inode, true, fs, Mode.PENDING);
        h.baseSize = baseSize;
        return h;
    }

    static FileHandle random(long fh, Inode inode, AlluxioFuseFilesystem fs, RandomAccessFileHandle raf) {
        FileHandle h = new FileHandle(fh, inode, true, fs, Mode.RANDOM);
        h.raf = raf;
        return h;
    }

    Mode mode() {
        return mode;
    }

    private AlluxioPath path() {
        return fs.inodes().path(inode);
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
            return reader;
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
     */
    void write(Request req, long offset, ByteBuf data) throws BackendException {
        int len = data.readableBytes();
        synchronized (this) {
            checkOpen();
            if (mode == Mode.PENDING) {
                startFromPending(offset);
            }
            if (mode == Mode.SEQUENTIAL) {
                long pos = out.position();
                if (offset == pos) {
                    out.write(data.nioBuffer());
                    req.replyWrite(len);
                    drainParked();
                    return;
                }
                if (offset > pos && parkedBytes + len <= fs.options().reorderWindow()) {
                    park(req, offset, data);
                    return;
                }
                if (!fs.options().randomAccess()) {
                    throw Errors.fail(Errno.EOPNOTSUPP, "non-sequential write at " + offset + ", stream at " + pos
                            + " (set alluxio.user.fuse.random.access.file.stream.enabled=true)");
                }
                toRandom();
            }
            if (mode == Mode.RANDOM) {
                raf.write(offset, data.nioBuffer());
                fs.metadata().invalidate(path());
                req.replyWrite(len);
                return;
            }
            throw Errors.fail(Errno.EBADF, "handle not open for writing");
        }
    }

    /** PENDING: the first write decides between a sequential overwrite and EOPNOTSUPP. */
    private void startFromPending(long offset) throws BackendException {
        if (baseSize != 0) {
            throw Errors.fail(Errno.EOPNOTSUPP, "write into an existing non-empty file (offset " + offset
                    + ", size " + baseSize + "); set alluxio.user.fuse.random.access.file.stream.enabled=true");
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
        fs.metadata().invalidate(path());
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
            LOG.debug("write at {} of {} never became sequential: EOPNOTSUPP", p.offset, path());
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
     * SEQUENTIAL -> RANDOM: completes the stream (the file keeps what was written), reopens the
     * file for random access and applies held writes. Monitor held.
     */
    private void toRandom() throws BackendException {
        if (mode == Mode.RANDOM) {
            return;
        }
        if (mode == Mode.SEQUENTIAL) {
            FileOutStream s = out;
            out = null;
            try {
                s.close();
            } finally {
                clearSequentialWriter();
            }
        }
        raf = backend.openForRandomWrite(path());
        mode = Mode.RANDOM;
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
        fs.metadata().invalidate(path());
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
            if (mode == Mode.PENDING) {
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
                    fs.metadata().invalidate(path());
                    return;
                }
                throw Errors.fail(Errno.EOPNOTSUPP, "truncate to " + size
                        + " needs alluxio.user.fuse.random.access.file.stream.enabled=true");
            }
            if (mode == Mode.READ) {
                throw Errors.fail(Errno.EBADF, "not open for writing");
            }
            toRandom();
            raf.truncate(size);
            fs.metadata().invalidate(path());
        }
    }

    // ---------------------------------------------------------------- flush / fsync / release

    /** FLUSH (every close(2)): hand written data to the store; errors reach close(2). */
    void flush() throws BackendException {
        synchronized (this) {
            if (released) {
                return;
            }
            if (mode == Mode.SEQUENTIAL) {
                if (parked != null && !parked.isEmpty()) {
                    // close(2) after writes with a gap that was never filled.
                    if (fs.options().randomAccess()) {
                        toRandom();
                    } else {
                        failParked(Errno.EOPNOTSUPP);
                    }
                }
                if (out != null) {
                    out.flush();
                }
            }
        }
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

    /** RELEASE: completes a sequential file, closes everything. Idempotent. */
    void release() throws BackendException {
        BackendException failure = null;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            if (parked != null && !parked.isEmpty()) {
                if (fs.options().randomAccess()) {
                    try {
                        released = false;
                        toRandom();
                    } catch (BackendException e) {
                        failure = e;
                        failParked(Errors.errno(e));
                    } finally {
                        released = true;
                    }
                } else {
                    failParked(Errno.EOPNOTSUPP);
                }
            }
            try {
                if (out != null) {
                    out.close();
                }
            } catch (BackendException e) {
                failure = e;
            } finally {
                out = null;
                clearSequentialWriter();
            }
            failure = closeQuietly(raf, failure);
            failure = closeQuietly(reader, failure);
            if (writable) {
                synchronized (inode) {
                    inode.writeHandles--;
                }
                fs.metadata().invalidate(path());
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static BackendException closeQuietly(AutoCloseable c, BackendException failure) {
        if (c == null) {
            return failure;
        }
        try {
            c.close();
        } catch (BackendException e) {
            return failure == null ? e : failure;
        } catch (Exception e) {
            LOG.debug("close failed", e);
        }
        return failure;
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
