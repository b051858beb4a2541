package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.purefuse.session.device.DeviceChannel;
import io.purefuse.wire.Errno;
import io.purefuse.wire.Opcode;
import io.purefuse.wire.OpenFlags;
import io.purefuse.wire.ReplyEncoder;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.EntryOut;
import io.purefuse.wire.out.FileLock;
import io.purefuse.wire.out.StatfsOut;
import io.purefuse.wire.out.Statx;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One kernel request being served, and the only way to answer it.
 *
 * <p>Every {@code reply*} method returns true only if its reply reached the kernel: false when the
 * request was already answered (an INTERRUPT answered EINTR first) or the kernel no longer waited
 * for it. A filesystem that counted a lookup for an entry reply undoes the count on false.
 *
 * <p>Exactly one {@code reply*} call answers the request; it may come from any thread, before or
 * after the {@link LowLevelFilesystem} method returns. Later calls are dropped (and logged at
 * debug level, since an INTERRUPT may have answered first). After replying, do not touch the
 * object again: the session reuses it for the next request on the same reader thread.
 *
 * <p>The scratch objects ({@link #entry()}, {@link #attr()}, ...) belong to this request, so that
 * the common replies allocate nothing.
 */
public final class Request {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Request.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Requests the session may answer EINTR by itself when interrupted without a listener: they
     * change nothing, so abandoning them is harmless even if the filesystem completes them later.
     * A mutating request (CREATE, WRITE, RENAME, OPEN, ...) must not be answered EINTR while the
     * filesystem may still carry it out: the caller would retry something that happened.
     */
    private static final java.util.Set<Opcode> ABANDONABLE = java.util.Collections.unmodifiableSet(
            java.util.EnumSet.of(Opcode.LOOKUP, Opcode.GETATTR, Opcode.READLINK, Opcode.READ, Opcode.READDIR,
                    Opcode.READDIRPLUS, Opcode.STATFS, Opcode.GETXATTR, Opcode.LISTXATTR, Opcode.ACCESS,
                    Opcode.STATX, Opcode.GETLK, Opcode.LSEEK, Opcode.BMAP));

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Request.class);

    /** {@code state} while pending is the unique itself, so a stale INTERRUPT cannot claim a reused object. */
    private static final long REPLIED = Long.MIN_VALUE;

    final SessionCore core;
    DeviceChannel channel;
    long unique;
    long nodeid;
    int uid;
    int gid;
    int pid;
    Opcode opcode;
    /** System.nanoTime() when the request arrived, only while a watchdog runs (else 0). */
    long startNanos;
    /** {@code -o debug} only: the request's fields and arrival time. */
    String debugLine;
    long debugStartNanos;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state = REPLIED;
    private volatile boolean interrupted;
    /** The thread whose reply claimed this request (decides whether the object may be reused). */
    private volatile Thread claimer;
    private volatile Runnable interruptListener;

    private final EntryOut entry = new EntryOut();
    private final Attr attr = new Attr();
    private StatfsOut statfs;
    private FileLock lock;
    private Statx statx;
    private DirectoryReply directory;

    Request(SessionCore core) {
        this.core = core;
    }

    synchronized void bind(DeviceChannel channel, long unique, long nodeid, int uid, int gid, int pid, Opcode opcode,
                           long startNanos) {
        this.startNanos = startNanos;
        this.channel = channel;
        this.unique = unique;
        this.nodeid = nodeid;
        this.uid = uid;
        this.gid = gid;
        this.pid = pid;
        this.opcode = opcode;
        this.interrupted = false;
        this.interruptListener = null;
        this.claimer = null;
        STATE.setRelease(this, unique);
    }

    /** The kernel's id of this request (in-header {@code unique}). */
    public long unique() {
        return unique;
    }

    /** The inode the request is about (in-header {@code nodeid}). */
    public long nodeid() {
        return nodeid;
    }

    /** Caller's effective uid, in the mount's user namespace. */
    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    /** Caller's thread group id; 0 for requests the kernel makes on its own (writeback, ...). */
    public int pid() {
        return pid;
    }

    public Opcode opcode() {
        return opcode;
    }

    /** The protocol minor negotiated at INIT (struct sizes follow it). */
    public int minor() {
        return core.minor();
    }

    /** Pooled direct buffers for {@link #replyData(ByteBuf)}. */
    public ByteBufAllocator alloc() {
        return core.alloc();
    }

    /** True once the kernel sent an INTERRUPT for this request (the caller got a signal). */
    public boolean isInterrupted() {
        return interrupted;
    }

    /**
     * Registers a callback run (on a reader thread) when the kernel interrupts this request. A
     * request with a listener must be answered by the filesystem (typically EINTR). Without one,
     * the session answers EINTR at once only for requests that change nothing (LOOKUP, GETATTR,
     * READ, READDIR, ...; the filesystem's later reply is dropped); a mutating request keeps
     * waiting for the filesystem, since an EINTR for something that then happens would mislead
     * the caller. If the request was already interrupted, the listener runs now. An exception
     * thrown by the listener is logged, and the request answered EINTR if still pending.
     */
    public void onInterrupt(Runnable listener) {
        boolean runNow;
        synchronized (this) {
            this.interruptListener = listener;
            runNow = interrupted;
        }
        if (runNow) {
            listener.run();
        }
    }

    /**
     * An INTERRUPT for this request was read before the request itself (another reader was
     * still decoding it). Marks it interrupted; answers EINTR and returns true if the request may
     * be abandoned, else returns false and the filesystem sees {@link #isInterrupted()}.
     */
    boolean interruptBeforeDispatch() {
        synchronized (this) {
            interrupted = true;
        }
        return ABANDONABLE.contains(opcode) && expire(unique, Errno.EINTR);
    }

    /** The unique while pending, or {@code Long.MIN_VALUE} once answered (acquire read). */
    long pendingUnique() {
        return (long) STATE.getAcquire(this);
    }

    /**
     * The errno a reply may carry: the kernel refuses an error outside 1..511 (EINVAL, and the
     * request then never ends), so a filesystem's negative or out-of-range errno becomes EIO.
     */
    static int replyErrno(int errno) {
        int e = errno < 0 ? -errno : errno;
        return e < 512 ? e : Errno.EIO;
    }

    /**
     * Called by the session when an INTERRUPT names {@code target}. Does nothing if this object
     * has meanwhile been answered and reused for another request.
     */
    void interrupt(long target) {
        Runnable listener;
        synchronized (this) {
            if ((long) STATE.getAcquire(this) != target) {
                return;
            }
            interrupted = true;
            listener = interruptListener;
        }
        if (listener != null) {
            try {
                listener.run();
            } catch (Throwable t) {
                LOG.error("interrupt listener of {} failed", this, t);
                expire(target, Errno.EINTR);
            }
        } else if (ABANDONABLE.contains(opcode) && STATE.compareAndSet(this, target, REPLIED)) {
            claimer = Thread.currentThread();
            ByteBuf out = header(16);
            ReplyEncoder.error(out, target, Errno.EINTR);
            core.send(this, out, null);
        }
    }

    /**
     * Called by the session's watchdog: answers {@code errno} if this object still serves
     * {@code target}. Returns whether it did.
     */
    boolean expire(long target, int errno) {
        if (!STATE.compareAndSet(this, target, REPLIED)) {
            return false;
        }
        claimer = Thread.currentThread();
        ByteBuf out = header(16);
        ReplyEncoder.error(out, target, errno);
        core.send(this, out, null);
        return true;
    }

    /**
     * True if this request was answered by {@code thread} itself, i.e. by the filesystem's
     * synchronous path on the reader thread that dispatched it. Only then may the reader reuse
     * the object: if anyone else answered (an INTERRUPT, the watchdog, an asynchronous worker),
     * the filesystem may still hold the reference, and a late reply of its must find this
     * request answered, not a new one bound to the same object.
     */
    boolean repliedBy(Thread thread) {
        return isReplied() && claimer == thread;
    }

    public boolean isReplied() {
        return (long) STATE.getAcquire(this) == REPLIED;
    }

    private boolean claim() {
        if (STATE.compareAndSet(this, unique, REPLIED)) {
            claimer = Thread.currentThread();
            if (directory != null) {
                directory.discard(); // a directory reply begun and then answered otherwise
            }
            return true;
        }
        core.duplicateReply(this);
        return false;
    }

    private ByteBuf header(int capacity) {
        return core.alloc().directBuffer(capacity);
    }

    /** Scratch entry for {@link #replyEntry} / {@link #replyCreate}, cleared. */
    public EntryOut entry() {
        entry.clear();
        return entry;
    }

    /** Scratch attributes for {@link #replyAttr}, cleared. */
    public Attr attr() {
        attr.clear();
        return attr;
    }

    public StatfsOut statfsOut() {
        if (statfs == null) {
            statfs = new StatfsOut();
        }
        statfs.clear();
        return statfs;
    }

    public FileLock fileLock() {
        if (lock == null) {
            lock = new FileLock();
        }
        lock.clear();
        return lock;
    }

    public Statx statxOut() {
        if (statx == null) {
            statx = new Statx();
        }
        statx.clear();
        return statx;
    }

    /** Answers with {@code -errno}; errno 0 is a success without body (see {@link #replyOk}). */
    public boolean replyError(int errno) {
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16);
        ReplyEncoder.error(out, unique, replyErrno(errno));
        return core.send(this, out, null);
    }

    /** Success with an empty body (unlink, rmdir, rename, flush, release, fsync, setxattr, ...). */
    public boolean replyOk() {
        return replyError(0);
    }

    /** LOOKUP, MKNOD, MKDIR, SYMLINK, LINK: a nonzero nodeid adds one to its lookup count. */
    public boolean replyEntry(EntryOut e) {
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16 + 128);
        ReplyEncoder.entry(out, unique, e, core.minor());
        return core.send(this, out, null);
    }

    /** GETATTR, SETATTR. {@code validNanos}: how long the kernel may cache the attributes. */
    public boolean replyAttr(Attr a, long validNanos) {
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16 + 104);
        ReplyEncoder.attr(out, unique, validNanos / 1_000_000_000L, (int) (validNanos % 1_000_000_000L), a, core.minor());
        return core.send(this, out, null);
    }

    /** OPEN, OPENDIR: {@code openFlags} are FOPEN_* bits. */
    public boolean replyOpen(long fh, int openFlags) {
        return replyOpen(fh, openFlags, null);
    }

    /**
     * OPEN answered with a passthrough backing file (null: none): sets FOPEN_PASSTHROUGH and the
     * backing id. The kernel allows only FOPEN_DIRECT_IO, FOPEN_PARALLEL_DIRECT_WRITES and
     * FOPEN_NOFLUSH besides (the open fails with EIO otherwise), so FOPEN_KEEP_CACHE is dropped.
     * If this returns false the kernel never saw the id: the caller closes it if nobody else
     * uses it.
     */
    public boolean replyOpen(long fh, int openFlags, BackingFile backing) {
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16 + 16);
        ReplyEncoder.open(out, unique, fh, passthroughFlags(openFlags, backing), backing == null ? 0 : backing.id());
        return core.send(this, out, null);
    }

    /** CREATE, TMPFILE: entry (lookup count +1) and open handle in one reply. */
    public boolean replyCreate(EntryOut e, long fh, int openFlags) {
        return replyCreate(e, fh, openFlags, null);
    }

    /** CREATE with a passthrough backing file (null: none); as {@link #replyOpen(long, int, BackingFile)}. */
    public boolean replyCreate(EntryOut e, long fh, int openFlags, BackingFile backing) {
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16 + 128 + 16);
        ReplyEncoder.create(out, unique, e, fh, passthroughFlags(openFlags, backing),
                backing == null ? 0 : backing.id(), core.minor());
        return core.send(this, out, null);
    }

    private static int passthroughFlags(int openFlags, BackingFile backing) {
        if (backing == null) {
            return openFlags;
        }
        return (openFlags & ~OpenFlags.FOPEN_KEEP_CACHE) | OpenFlags.FOPEN_PASSTHROUGH;
    }

    /**
     * The session's passthrough registry, or null when passthrough was not asked for
     * ({@link SessionOptions#passthrough}) or the kernel did not grant it.
     */
    public Passthrough passthrough() {
        Passthrough p = core.passthrough();
        return p != null && p.isAvailable() ? p : null;
    }

    /** WRITE: the number of bytes written. */
    public boolean replyWrite(int size) {
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16 + 8);
        ReplyEncoder.write(out, unique, size);
        return core.send(this, out, null);
    }

    /**
     * READ, READLINK, GETXATTR, LISTXATTR: the readable bytes of {@code data}. The session takes
     * ownership and releases it after the write (header and data go out in one writev: the data
     * is not copied when {@code data} is direct). Also releases it when the request was already
     * answered.
     */
    public boolean replyData(ByteBuf data) {
        if (!claim()) {
            data.release();
            return false;
        }
        ByteBuf out = header(16);
        ReplyEncoder.dataHeader(out, unique, data.readableBytes());
        return core.send(this, out, data);
    }

    /** Small data replies (readlink targets, xattr values): copied into a pooled buffer. */
    public boolean replyData(byte[] bytes, int offset, int length) {
        ByteBuf data = core.alloc().directBuffer(length);
        data.writeBytes(bytes, offset, length);
        return replyData(data);
    }

    public boolean replyStatfs(StatfsOut s) {
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16 + 80);
        ReplyEncoder.statfs(out, unique, s, core.minor());
        return core.send(this, out, null);
    }

    /** GETXATTR / LISTXATTR with size 0: the size of the value or list. */
    public boolean replyXattrSize(int size) {
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16 + 8);
        ReplyEncoder.xattrSize(out, unique, size);
        return core.send(this, out, null);
    }

    public boolean replyLock(FileLock l) {
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16 + 24);
        ReplyEncoder.lock(out, unique, l);
        return core.send(this, out, null);
    }

    public boolean replyBmap(long block) {
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16 + 8);
        ReplyEncoder.bmap(out, unique, block);
        return core.send(this, out, null);
    }

    public boolean replyLseek(long offset) {
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16 + 8);
        ReplyEncoder.lseek(out, unique, offset);
        return core.send(this, out, null);
    }

    /** COPY_FILE_RANGE(_64): the reply shape follows the opcode (u32 size or u64 bytes_copied). */
    public boolean replyCopyFileRange(long bytesCopied) {
        if (bytesCopied < 0) {
            return replyError(Errno.EIO);
        }
        if (opcode == Opcode.COPY_FILE_RANGE && bytesCopied > 0xFFFF_FFFFL) {
            // The old reply carries a u32: report a short copy, which callers continue from.
            bytesCopied = 0xFFFF_F000L;
        }
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16 + 8);
        ReplyEncoder.copyFileRange(out, unique, bytesCopied, opcode);
        return core.send(this, out, null);
    }

    public boolean replyStatx(Statx s, long validNanos, int flags) {
        if (!claim()) {
            return false;
        }
        ByteBuf out = header(16 + 288);
        ReplyEncoder.statx(out, unique, validNanos / 1_000_000_000L, (int) (validNanos % 1_000_000_000L), flags, s);
        return core.send(this, out, null);
    }

    /**
     * A reply builder for READDIR / READDIRPLUS of at most {@code maxSize} bytes (the request's
     * size). Fill it, then {@link DirectoryReply#send()}.
     */
    public DirectoryReply directoryReply(int maxSize) {
        if (directory == null) {
            directory = new DirectoryReply(this);
        }
        directory.begin(maxSize, opcode == Opcode.READDIRPLUS);
        return directory;
    }

    /** Used by {@link DirectoryReply#send()}. */
    boolean sendDirectory(ByteBuf out) {
        if (claim()) {
            return core.send(this, out, null);
        }
        out.release();
        return false;
    }

    @Override
    public String toString() {
        return opcode + "[unique=" + unique + ", nodeid=" + nodeid + "]";
    }
}
