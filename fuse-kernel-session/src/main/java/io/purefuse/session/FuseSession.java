package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.purefuse.mount.FuseMount;
import io.purefuse.mount.MountException;
import io.purefuse.mount.LibC;
import io.purefuse.mount.Mounter;
import io.purefuse.mount.Native;
import io.purefuse.session.device.DeviceChannel;
import io.purefuse.session.device.DeviceException;
import io.purefuse.session.device.FuseDeviceChannel;
import io.purefuse.wire.Errno;
import io.purefuse.wire.InitFlags;
import io.purefuse.wire.NotifyEncoder;
import io.purefuse.wire.Opcode;
import io.purefuse.wire.RequestFrame;
import io.purefuse.wire.init.InitNegotiation;
import io.purefuse.wire.init.InitOptions;
import io.purefuse.wire.init.NegotiatedInit;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FUSE session: a mounted (or otherwise connected) device, its reader threads and the
 * filesystem they serve.
 *
 * <pre>{@code
 * try (FuseSession s = FuseSession.mount(Path.of("/mnt/x"), myFs, new SessionOptions())) {
 *     s.awaitTermination();   // until unmounted (fusermount3 -u) or s.close()
 * }
 * }</pre>
 *
 * <p>Life cycle: the first reader negotiates INIT ({@link #mount} returns once it is answered),
 * then the other readers start, each on its own cloned fd. The session ends when the device
 * reports ENODEV (unmounted: this kernel sends no DESTROY for plain fuse mounts), on DESTROY, or
 * on {@link #close()}, which unmounts and waits for every reader.
 */
public final class FuseSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FuseSession.class);

    private final LowLevelFilesystem fs;
    private final SessionOptions options;
    private final DeviceChannel primary;
    private final FuseMount mount;
    private final SessionCore core;
    private final Dispatcher dispatcher;
    private final List<DeviceChannel> channels = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<ByteBuf> buffers = new ArrayList<>();
    private final CountDownLatch initDone = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean resourcesReleased = new AtomicBoolean();
    private volatile NegotiatedInit negotiated;
    /** The hook installed by {@link SessionOptions#shutdownHook}, removed again by close(). */
    private volatile Thread shutdownHook;
    private volatile Throwable initFailure;
    private int liveReaders;
    private int bufferSize;
    /** Reader channels handed in by a supervisor (instead of cloning the primary), or null. */
    private List<DeviceChannel> givenChannels;
    /** INIT parameters saved by a predecessor: no INIT will come, resume instead (takeover). */
    private NegotiatedInit restored;
    private final TakeoverGate gate = new TakeoverGate();

    private FuseSession(LowLevelFilesystem fs, SessionOptions options, DeviceChannel primary, FuseMount mount)
            throws IOException {
        this.fs = fs;
        this.options = options;
        this.primary = primary;
        this.mount = mount;
        FrameRecorder recorder = options.recorder();
        if (recorder == null && options.traceFile() != null) {
            recorder = new TraceFileRecorder(options.traceFile());
        }
        this.core = new SessionCore(options.allocator(), recorder,
                !options.requestTimeout().isZero() || options.trackRequestAge());
        if (options.debugSink() != null) {
            core.debug = new RequestDebugLog(options.debugSink(), core);
        }
        this.dispatcher = new Dispatcher(fs);
        // The kernel refuses reads into buffers smaller than max(8192, 80 + max_write).
        this.bufferSize = Math.max(8192, options.init().maxWrite() + 4096);
    }

    /**
     * Mounts {@code mountPoint} and serves {@code fs} on it. Returns once INIT is answered, so the
     * mount is usable; throws (and leaves nothing mounted) if mounting or INIT fails.
     */
    public static FuseSession mount(Path mountPoint, LowLevelFilesystem fs, SessionOptions options) throws IOException {
        AtomicReference<FuseSession> started = new AtomicReference<>();
        Thread hook = null;
        if (options.shutdownHook()) {
            hook = new Thread(() -> unmountOnExit(started.get(), mountPoint), "fuse-unmount");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try {
            FuseSession s = mountNow(mountPoint, fs, options);
            s.shutdownHook = hook;
            started.set(s);
            return s;
        } catch (IOException | RuntimeException e) {
            if (hook != null) {
                removeHook(hook);
            }
            throw e;
        }
    }

    private static void unmountOnExit(FuseSession session, Path mountPoint) {
        if (session != null) {
            session.close();
        } else if (Mounter.isMounted(mountPoint)) {
            try {
                new Mounter().unmount(mountPoint, true);
            } catch (MountException e) {
                LOG.warn("unmount of {} at exit failed: {}", mountPoint, e.getMessage());
            }
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is already running: it does the cleanup
        }
    }

    private static FuseSession mountNow(Path mountPoint, LowLevelFilesystem fs, SessionOptions options) throws IOException {
        FuseMount m;
        try {
            m = new Mounter().mount(mountPoint, options.mount());
        } catch (MountException e) {
            throw new IOException(e.getMessage(), e);
        }
        FuseSession s;
        try {
            // The FuseMount owns the primary fd and closes it after the readers are done.
            s = new FuseSession(fs, options, FuseDeviceChannel.borrow(m.fd()), m);
        } catch (IOException | RuntimeException e) {
            closeMount(m);
            throw e;
        }
        s.start();
        if (options.readAheadKb() > 0) {
            applyReadAhead(mountPoint, options.readAheadKb());
        }
        return s;
    }

    /**
     * Sets the mount's bdi readahead window (for mounts made elsewhere, e.g. by a supervisor; the
     * setting lasts as long as the mount). A failure only costs speed: it is logged, never fatal.
     */
    public static void applyReadAhead(Path mountPoint, int kb) {
        Path knob = null;
        try {
            String device = io.purefuse.mount.MountTable.find(mountPoint.toAbsolutePath().normalize())
                    .orElseThrow(() -> new IOException("not in the mount table"))
                    .device();
            knob = Path.of("/sys/class/bdi", device, "read_ahead_kb");
            Files.writeString(knob, Integer.toString(kb));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot set read_ahead_kb={} of {} ({}): {}", kb, mountPoint, knob, e.toString());
        }
    }

    /**
     * Serves {@code fs} on an already connected channel (a device fd mounted elsewhere, or a
     * socket standing in for the device in tests). {@link #close()} closes the channel.
     */
    public static FuseSession serve(DeviceChannel channel, LowLevelFilesystem fs, SessionOptions options) throws IOException {
        FuseSession s = new FuseSession(fs, options, channel, null);
        s.start();
        return s;
    }

    /**
     * Serves {@code fs} on device fds that a supervisor mounted and cloned: {@code fds[0]} is the
     * mounted {@code /dev/fuse} fd (INIT is read there), every fd gets one reader thread, and the
     * session clones nothing itself. A clone made by the server would die with it, and the
     * requests read on it with it; clones made by a longer-lived holder keep them for a successor
     * (see docs/KERNEL-NOTES.md, "Takeover"). The session closes its copies of the fds at the end.
     * Returns once INIT is answered; {@link #negotiated()} is then what a successor needs.
     */
    public static FuseSession serveDevice(int[] fds, LowLevelFilesystem fs, SessionOptions options)
            throws IOException {
        return startOnFds(fds, null, fs, options);
    }

    /**
     * Takes over a live mount whose previous server died or stepped down ({@link #detach}): no
     * INIT is read (the kernel sent it once, to the predecessor); {@code saved} is what was
     * negotiated then. Before any read the session writes {@code FUSE_NOTIFY_RESEND}, so every
     * request the predecessor read but did not answer comes back, its unique marked with
     * {@link io.purefuse.wire.Flags#UNIQUE_RESEND}. See {@link SessionOptions#resentReplies}.
     */
    public static FuseSession takeOver(int[] fds, NegotiatedInit saved, LowLevelFilesystem fs,
                                       SessionOptions options) throws IOException {
        if (saved == null || !saved.ok()) {
            throw new IllegalArgumentException("takeover needs the saved INIT parameters");
        }
        return startOnFds(fds, saved, fs, options);
    }

    private static FuseSession startOnFds(int[] fds, NegotiatedInit saved, LowLevelFilesystem fs,
                                          SessionOptions options) throws IOException {
        if (fds.length == 0) {
            throw new IllegalArgumentException("no device fds");
        }
        List<DeviceChannel> rest = new ArrayList<>();
        for (int i = 1; i < fds.length; i++) {
            rest.add(FuseDeviceChannel.of(fds[i]));
        }
        FuseSession s = new FuseSession(fs, options, FuseDeviceChannel.of(fds[0]), null);
        s.givenChannels = rest;
        s.restored = saved;
        if (saved != null) {
            // The predecessor may have negotiated a larger max_write than our options ask for.
            s.bufferSize = Math.max(s.bufferSize, saved.readBufferSize());
        }
        s.start();
        return s;
    }

    private void start() throws IOException {
        liveReaders = 1;
        ByteBuf buf = options.allocator().directBuffer(bufferSize, bufferSize);
        buffers.add(buf);
        channels.add(primary);
        ReaderLoop first = new ReaderLoop(this, core, dispatcher, primary, buf);
        Thread t = readerThread(() -> firstReader(first), "fuse-reader-0");
        t.setDaemon(true);
        threads.add(t);
        t.start();
        boolean ok;
        try {
            ok = initDone.await(options.initTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new InterruptedIOException("interrupted while waiting for INIT");
        }
        if (!ok || initFailure != null || negotiated == null) {
            close();
            if (initFailure != null) {
                throw new IOException("FUSE INIT failed: " + initFailure.getMessage(), initFailure);
            }
            throw new IOException(ok ? "the kernel ended the session during INIT"
                    : "no INIT from the kernel within " + options.initTimeout());
        }
    }

    /** Reader 0: negotiates INIT, starts the other readers, then serves like them. */
    private void firstReader(ReaderLoop loop) {
        try {
            if (restored != null) {
                resume(loop, restored);
            } else if (!negotiate(loop)) {
                readerEnded();
                return;
            }
        } catch (Throwable e) {
            initFailure = e;
            initDone.countDown();
            readerEnded();
            return;
        }
        initDone.countDown();
        loop.run();
    }

    private boolean negotiate(ReaderLoop loop) throws DeviceException {
        while (loop.readFrame()) {
            RequestFrame f = loop.decode();
            if (f == null) {
                continue;
            }
            if (f.opcode() != Opcode.INIT) {
                LOG.warn("{} before INIT refused", f.opcode());
                loop.answerRaw(f.unique(), Errno.EIO);
                continue;
            }
            InitOptions wanted = options.init();
            if (!Dispatcher.implementsMethod(fs, "readdirplus", Request.class, long.class, long.class, long.class, int.class)) {
                wanted = wanted.copy().removeFlags(InitFlags.DO_READDIRPLUS | InitFlags.READDIRPLUS_AUTO);
            }
            if (options.passthrough()) {
                wanted = wanted.copy().addFlags(InitFlags.PASSTHROUGH);
            }
            NegotiatedInit n = InitNegotiation.negotiate(f.initIn(), wanted);
            if (n.kind() == NegotiatedInit.Kind.UNSUPPORTED_MAJOR) {
                loop.answerRaw(f.unique(), Errno.EPROTO);
                throw new DeviceException("kernel offers FUSE " + f.initIn().major() + "." + f.initIn().minor()
                        + ", older than 7", Errno.EPROTO);
            }
            boolean versionOnly = n.kind() == NegotiatedInit.Kind.NEWER_MAJOR;
            if (!versionOnly) {
                core.minor(n.minor());
                passthroughAfterInit(n);
                loop.negotiated(n.minor(), n.has(InitFlags.SETXATTR_EXT));
                fs.init(n);
            }
            ByteBuf out = core.alloc().directBuffer(16 + 64);
            try {
                InitNegotiation.encodeReply(out, f.unique(), n);
                core.recordWritten(out, null);
                int err = primary.write(out, null);
                if (err != 0) {
                    throw new DeviceException("INIT reply refused by the kernel", err);
                }
            } finally {
                out.release();
            }
            if (versionOnly) {
                continue; // the kernel resends INIT with our major
            }
            negotiated = n;
            if (core.debug != null) {
                core.debug.init(f.unique(), n.major() + "." + n.minor() + " max_write=" + n.maxWrite()
                        + " flags=" + InitFlags.describe(n.flags()));
            }
            LOG.info("FUSE {}.{} negotiated: max_write {}, max_readahead {}, max_background {}, flags {}",
                    n.major(), n.minor(), n.maxWrite(), n.maxReadahead(), n.maxBackground(),
                    InitFlags.describe(n.flags()));
            startOtherReaders(n);
            startWatchdog();
            return true;
        }
        return false;
    }

    /** Takeover: the predecessor's INIT parameters, then NOTIFY_RESEND before the first read. */
    private void resume(ReaderLoop loop, NegotiatedInit n) throws DeviceException {
        core.minor(n.minor());
        passthroughAfterInit(n);
        loop.negotiated(n.minor(), n.has(InitFlags.SETXATTR_EXT));
        fs.init(n);
        if ((n.offeredFlags() & InitFlags.HAS_RESEND) == 0) {
            LOG.warn("the kernel did not offer FUSE_HAS_RESEND (needs 7.40): requests the previous server "
                    + "read but did not answer stay unanswered");
        } else {
            ByteBuf out = core.alloc().directBuffer(16);
            try {
                NotifyEncoder.resend(out);
                core.recordWritten(out, null);
                int err = primary.write(out, null);
                if (err != 0) {
                    throw new DeviceException("NOTIFY_RESEND refused by the kernel", err);
                }
            } finally {
                out.release();
            }
        }
        negotiated = n;
        LOG.info("took over FUSE {}.{} (max_write {}, flags {}); asked the kernel to resend unanswered requests",
                n.major(), n.minor(), n.maxWrite(), InitFlags.describe(n.flags()));
        startOtherReaders(n);
        startWatchdog();
    }

    private void passthroughAfterInit(NegotiatedInit n) {
        if (!options.passthrough()) {
            return;
        }
        if (n.has(InitFlags.PASSTHROUGH) && n.has(InitFlags.WRITEBACK_CACHE)) {
            LOG.warn("FUSE passthrough is off: the kernel does not combine it with WRITEBACK_CACHE");
        } else if (n.has(InitFlags.PASSTHROUGH) && n.maxStackDepth() > 0) {
            Passthrough p = new Passthrough(primary);
            core.passthrough(p);
            fs.passthroughStarted(p);
        } else {
            String why = (n.offeredFlags() & InitFlags.PASSTHROUGH) == 0 ? "not offered by the kernel (FUSE 7."
                    + n.minor() + ")" : "not granted (max_stack_depth " + n.maxStackDepth() + ")";
            LOG.warn("FUSE passthrough {}: reads and writes go through purefuse", why);
        }
    }

    private void startOtherReaders(NegotiatedInit n) {
        int wanted = givenChannels != null ? givenChannels.size() + 1 : options.readerThreads();
        for (int i = 1; i < wanted; i++) {
            DeviceChannel ch;
            if (givenChannels != null) {
                ch = givenChannels.get(i - 1);
            } else {
                ch = options.cloneFds() ? primary.cloneChannel() : null;
            }
            if (ch == null) {
                ch = primary;
            } else {
                channels.add(ch);
            }
            ByteBuf buf = options.allocator().directBuffer(bufferSize, bufferSize);
            ReaderLoop loop = new ReaderLoop(this, core, dispatcher, ch, buf);
            loop.negotiated(n.minor(), n.has(InitFlags.SETXATTR_EXT));
            Thread t = readerThread(loop, "fuse-reader-" + i);
            t.setDaemon(true);
            synchronized (this) {
                buffers.add(buf);
                threads.add(t);
                liveReaders++;
            }
            t.start();
        }
    }

    /**
     * Reader threads are netty FastThreadLocalThreads: netty's Recycler pools pooled-buffer
     * objects and its temp arrays only on those, so plain threads allocated a PooledByteBuf
     * wrapper per reply and a byte[] per decoded name (measured with JFR: ~265 B per READ).
     */
    private static Thread readerThread(Runnable body, String name) {
        Thread t = new FastThreadLocalThread(body, name);
        t.setDaemon(true);
        return t;
    }

    private void startWatchdog() {
        long timeoutNanos = options.requestTimeout().toNanos();
        if (timeoutNanos <= 0) {
            return;
        }
        long period = Math.max(10, Math.min(1000, timeoutNanos / 4_000_000));
        Thread t = new Thread(() -> {
            while (!isTerminated()) {
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
                core.expireOlderThan(timeoutNanos, Errno.ETIMEDOUT);
            }
        }, "fuse-watchdog");
        t.setDaemon(true);
        t.start();
    }

    /** The negotiated INIT parameters (null before INIT). */
    /**
     * The requests the filesystem has not answered for at least {@code minAge}, oldest first (for
     * status reports such as {@code alluxio-fuse list}). Empty unless
     * {@link SessionOptions#trackRequestAge} or a request timeout is set. A snapshot; cheap.
     */
    public java.util.List<PendingRequest> pendingRequests(java.time.Duration minAge) {
        return core.pendingOlderThan(minAge.toNanos());
    }

    public NegotiatedInit negotiated() {
        return negotiated;
    }

    /**
     * The passthrough registry (the same one {@link Request#passthrough()} returns), or null when
     * passthrough was not asked for or not granted at INIT.
     */
    public Passthrough passthrough() {
        return core.passthrough();
    }

    /** The first device channel (tests). */
    DeviceChannel primaryChannel() {
        return primary;
    }

    /** The mount point, or null for {@link #serve}d sessions. */
    public Path mountPoint() {
        return mount == null ? null : mount.mountPoint();
    }

    boolean isClosing() {
        return closing.get();
    }

    TakeoverGate gate() {
        return gate;
    }

    ResentReplies resentReplies() {
        return options.resentReplies();
    }

    /**
     * Steps down for a successor (planned upgrade): from now on requests read are left
     * unanswered, for the successor's NOTIFY_RESEND; requests already handed to the filesystem
     * are answered as usual. Returns true once none is pending, false if some still were after
     * {@code timeout} (the successor then runs them again). Does not unmount and does not end
     * the session: the process is expected to exit next, which ends reader threads still blocked
     * in {@code read()} without losing a request. The device fds must still be held by someone
     * else (the supervisor), or the mount dies with this process.
     */
    public boolean detach(java.time.Duration timeout) throws InterruptedException {
        gate.close();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (gate.handling() > 0 || !core.inFlight.values().isEmpty()) {
            if (System.nanoTime() > deadline) {
                LOG.warn("detach: {} requests still pending after {}", core.inFlight.values().size(), timeout);
                return false;
            }
            Thread.sleep(1);
        }
        recorderFlush();
        return true;
    }

    private void recorderFlush() {
        FrameRecorder r = core.recorder();
        if (r instanceof java.io.Flushable f) {
            try {
                f.flush();
            } catch (IOException e) {
                LOG.warn("flushing the frame recorder failed: {}", e.getMessage());
            }
        }
    }

    void destroyFilesystem() {
        if (destroyed.compareAndSet(false, true)) {
            try {
                fs.destroy();
            } catch (RuntimeException e) {
                LOG.error("destroy failed", e);
            }
        }
    }

    private synchronized int liveReaders() {
        return liveReaders;
    }

    void readerEnded() {
        boolean last;
        synchronized (this) {
            last = --liveReaders == 0;
        }
        if (last) {
            Passthrough p = core.passthrough();
            if (p != null) {
                p.end();
            }
            initDone.countDown();
            destroyFilesystem();
            answerLeftovers();
            releaseResources();
            terminated.countDown();
        }
    }

    /** Requests still in flight when the device is gone can no longer be answered; log them. */
    private void answerLeftovers() {
        List<Request> left = core.inFlight.values();
        if (!left.isEmpty()) {
            LOG.debug("{} requests were in flight when the session ended", left.size());
        }
    }

    private void releaseResources() {
        if (!resourcesReleased.compareAndSet(false, true)) {
            return;
        }
        for (DeviceChannel ch : channels) {
            ch.close();
        }
        if (givenChannels != null) {
            for (DeviceChannel ch : givenChannels) {
                ch.close(); // idempotent: those that became readers were closed above
            }
        }
        synchronized (this) {
            if (liveReaders == 0) {
                for (ByteBuf b : buffers) {
                    b.release();
                }
            } else {
                // A reader still blocked in read() may yet have the kernel copy a request into
                // its buffer: returning that memory to the pool could corrupt another user of it.
                LOG.warn("{} reader threads still blocked; leaking their request buffers", liveReaders);
            }
            buffers.clear();
        }
        FrameRecorder recorder = core.recorder();
        if (recorder != null && liveReaders() == 0) {
            recorder.close();
        }
        if (mount != null) {
            closeMount(mount);
        }
    }

    private static void closeMount(FuseMount m) {
        try {
            m.close();
        } catch (MountException e) {
            LOG.warn("closing {} failed: {}", m.mountPoint(), e.getMessage());
        }
    }

    /** Blocks until the session has ended (unmounted from outside, DESTROY, or {@link #close()}). */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /**
     * Unmounts (if this session mounted) and returns when every reader thread has ended. If the
     * readers do not end within the unmount timeout (a busy lazy unmount), the connection is
     * aborted through the fuse control filesystem.
     */
    @Override
    public void close() {
        Thread hook = shutdownHook;
        if (hook != null && hook != Thread.currentThread()) {
            shutdownHook = null;
            removeHook(hook);
        }
        if (!closing.compareAndSet(false, true)) {
            awaitQuietly(options.unmountTimeout().toMillis() * 2);
            return;
        }
        if (isTerminated()) {
            return;
        }
        long connection = mount == null ? -1 : mount.connectionId();
        if (mount != null) {
            try {
                // Lazy: the mount disappears from the namespace now; files still open keep being
                // served until closed or until the timeout below aborts the connection.
                mount.unmount();
            } catch (MountException e) {
                LOG.warn("unmount of {} failed: {}", mount.mountPoint(), e.getMessage());
            }
        }
        if (!awaitQuietly(options.unmountTimeout().toMillis())) {
            if (connection >= 0) {
                abortConnection(connection);
            }
            if (!awaitQuietly(options.unmountTimeout().toMillis())) {
                LOG.warn("reader threads did not end; closing the device");
                releaseResources();
                destroyFilesystem();
                terminated.countDown(); // nobody waiting in awaitTermination() may hang for ever
            }
        }
    }

    private boolean awaitQuietly(long millis) {
        try {
            return terminated.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Aborts FUSE connection {@code connection} through {@code /sys/fs/fuse/connections/N/abort}
     * (mounting the fuse control filesystem for it when needed and allowed): every request
     * pending on it fails and its readers see the device end. For a session whose mount another
     * process holds (a supervised server ending after its unmount timeout).
     */
    public static void abortConnection(long connection) {
        Path connections = Path.of("/sys/fs/fuse/connections");
        Path abort = connections.resolve(Long.toString(connection)).resolve("abort");
        boolean mountedHere = false;
        if (!Files.exists(abort) && Files.isDirectory(connections)) {
            // The fuse control filesystem is not mounted on every machine; as root we can mount
            // it for the abort, and take it away again afterwards.
            mountedHere = Native.libc().mount("fusectl", connections.toString(), "fusectl", 0, null) == 0;
        }
        try {
            Files.writeString(abort, "1");
            LOG.warn("aborted fuse connection {}", connection);
        } catch (IOException e) {
            LOG.warn("could not abort fuse connection {}: {}", connection, e.getMessage());
        } finally {
            if (mountedHere) {
                Native.libc().umount2(connections.toString(), LibC.MNT_DETACH);
            }
        }
    }

    /** Stops the session on SIGTERM / SIGINT / normal JVM exit (standalone mount processes). */
    public void installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "fuse-unmount"));
    }

    // ---- notifications ----

    /**
     * Drops cached data of {@code nodeid} in [offset, offset+length) (length 0: to the end;
     * offset -1: only the attributes). Returns 0 or a positive errno (ENOENT: not cached).
     */
    public int notifyInvalInode(long nodeid, long offset, long length) {
        ByteBuf out = core.alloc().directBuffer(16 + 24);
        NotifyEncoder.invalInode(out, nodeid, offset, length);
        return notify(out, null);
    }

    /** Drops the kernel's dentry {@code name} in {@code parent}. */
    public int notifyInvalEntry(long parent, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = core.alloc().directBuffer(16 + 16 + bytes.length + 1);
        NotifyEncoder.invalEntry(out, parent, bytes, 0);
        return notify(out, null);
    }

    /** Tells the kernel {@code child} was deleted from {@code parent} (also drops the dentry). */
    public int notifyDelete(long parent, long child, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = core.alloc().directBuffer(16 + 24 + bytes.length + 1);
        NotifyEncoder.delete(out, parent, child, bytes);
        return notify(out, null);
    }

    /** Puts {@code data} into the page cache of {@code nodeid} at {@code offset} (data not released). */
    public int notifyStore(long nodeid, long offset, ByteBuf data) {
        ByteBuf out = core.alloc().directBuffer(16 + 24);
        NotifyEncoder.storeHeader(out, nodeid, offset, data.readableBytes());
        return notify(out, data);
    }

    private int notify(ByteBuf header, ByteBuf data) {
        try {
            if (isTerminated()) {
                return Errno.ENODEV;
            }
            core.recordWritten(header, data);
            return primary.write(header, data);
        } finally {
            header.release();
        }
    }

    @Override
    public String toString() {
        return "FuseSession[" + (mount == null ? "fd " + primary.fd() : mount.mountPoint()) + "]";
    }

}
