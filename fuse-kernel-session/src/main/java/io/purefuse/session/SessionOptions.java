package io.purefuse.session;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.purefuse.mount.MountOptions;
import io.purefuse.wire.init.InitOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a session mounts and serves. Mutable builder-style setters returning {@code this}; the
 * session reads it once at start.
 */
public final class SessionOptions {
    private int readerThreads = Math.max(4, Runtime.getRuntime().availableProcessors());
    private InitOptions init = new InitOptions();
    private MountOptions mount = MountOptions.builder().build();
    private Path traceFile;
    private FrameRecorder recorder;
    /** Null: netty's pooled default, looked up only when a session starts (the CLI never loads netty). */
    private ByteBufAllocator allocator;
    private Duration initTimeout = Duration.ofSeconds(30);
    private Duration unmountTimeout = Duration.ofSeconds(10);
    private boolean cloneFds = true;
    private boolean shutdownHook;
    private Duration requestTimeout = Duration.ZERO;
    private ResentReplies resentReplies;
    private boolean passthrough;
    private java.util.function.Consumer<String> debugSink;
    private boolean trackRequestAge;
    private int readAheadKb;

    /**
     * The mount's readahead window in KiB, written to {@code /sys/class/bdi/<major:minor>/read_ahead_kb}
     * once mounted (0 = leave the kernel's, which caps buffered READs at 128 KiB). With 1024 the
     * kernel sends buffered READs of up to 1 MiB (also bounded by max_pages).
     */
    public SessionOptions readAheadKb(int kb) {
        if (kb < 0) {
            throw new IllegalArgumentException("read_ahead_kb must be >= 0: " + kb);
        }
        this.readAheadKb = kb;
        return this;
    }

    public int readAheadKb() {
        return readAheadKb;
    }

    /** Reader threads, each on its own cloned fd (default: max(4, cores)). */
    public SessionOptions readerThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("reader threads must be >= 1: " + n);
        }
        this.readerThreads = n;
        return this;
    }

    public int readerThreads() {
        return readerThreads;
    }

    /** What to ask of the kernel at INIT (max_write, max_background, flags, ...). */
    public SessionOptions init(InitOptions init) {
        this.init = init;
        return this;
    }

    public InitOptions init() {
        return init;
    }

    public SessionOptions mount(MountOptions mount) {
        this.mount = mount;
        return this;
    }

    public MountOptions mount() {
        return mount;
    }

    /** Record every frame read and written to this file (conformance trace format). */
    public SessionOptions traceFile(Path traceFile) {
        this.traceFile = traceFile;
        return this;
    }

    public Path traceFile() {
        return traceFile;
    }

    /** A custom recorder (takes precedence over {@link #traceFile}). */
    public SessionOptions recorder(FrameRecorder recorder) {
        this.recorder = recorder;
        return this;
    }

    public FrameRecorder recorder() {
        return recorder;
    }

    public SessionOptions allocator(ByteBufAllocator allocator) {
        this.allocator = allocator;
        return this;
    }

    public ByteBufAllocator allocator() {
        return allocator != null ? allocator : PooledByteBufAllocator.DEFAULT;
    }

    /** How long {@code mount} waits for the kernel's INIT. */
    public SessionOptions initTimeout(Duration d) {
        this.initTimeout = d;
        return this;
    }

    public Duration initTimeout() {
        return initTimeout;
    }

    /** How long {@code close} waits for the readers after unmounting before aborting the connection. */
    public SessionOptions unmountTimeout(Duration d) {
        this.unmountTimeout = d;
        return this;
    }

    public Duration unmountTimeout() {
        return unmountTimeout;
    }

    /** Clone the device fd per reader thread (FUSE_DEV_IOC_CLONE); off: all readers share one fd. */
    public SessionOptions cloneFds(boolean cloneFds) {
        this.cloneFds = cloneFds;
        return this;
    }

    public boolean cloneFds() {
        return cloneFds;
    }

    /**
     * Unmount on SIGTERM / SIGINT / JVM exit, for standalone mount processes. The hook is
     * installed before mounting, so a signal that arrives while mounting leaves no stale mount.
     */
    public SessionOptions shutdownHook(boolean shutdownHook) {
        this.shutdownHook = shutdownHook;
        return this;
    }

    public boolean shutdownHook() {
        return shutdownHook;
    }

    /**
     * A safety net against filesystems that never answer: a request pending longer than this is
     * answered ETIMEDOUT (and logged), so the calling process does not hang for ever. Zero (the
     * default) turns the watchdog off. Pick it well above the slowest legitimate operation.
     */
    public SessionOptions requestTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative request timeout: " + timeout);
        }
        this.requestTimeout = timeout;
        return this;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * After a takeover: the replies the previous server owed for requests it had carried out
     * (see {@link ResentReplies}); a resent request found there is answered from it instead of
     * being run again. Null (the default): every resent request runs again.
     */
    public SessionOptions resentReplies(ResentReplies replies) {
        this.resentReplies = replies;
        return this;
    }

    public ResentReplies resentReplies() {
        return resentReplies;
    }

    /**
     * Ask the kernel for FUSE passthrough at INIT (the PASSTHROUGH flag with
     * {@code max_stack_depth} from {@link #init()}, default 1). Off by default: only a filesystem
     * that answers opens with backing files ({@link Request#passthrough()}) should ask, since the
     * flag also limits how the mount can be stacked. The kernel ignores it together with
     * WRITEBACK_CACHE.
     */
    public SessionOptions passthrough(boolean passthrough) {
        this.passthrough = passthrough;
        return this;
    }

    public boolean passthrough() {
        return passthrough;
    }

    /**
     * {@code -o debug}: log every request and its reply on one line (opcode, unique, nodeid, the
     * request's fields, errno or the reply's key fields, microseconds) to the logger
     * {@code purefuse.fuse.debug} at INFO. Off by default; when off it costs nothing.
     */
    public SessionOptions debug(boolean on) {
        this.debugSink = on ? RequestDebugLog.DEFAULT_SINK : null;
        return this;
    }

    /** Like {@link #debug(boolean) debug(true)}, with the lines going to {@code sink} (null: off). */
    public SessionOptions debugSink(java.util.function.Consumer<String> sink) {
        this.debugSink = sink;
        return this;
    }

    public java.util.function.Consumer<String> debugSink() {
        return debugSink;
    }

    public boolean debug() {
        return debugSink != null;
    }

    /**
     * Record when each request arrived (one clock read per request) so that
     * {@link FuseSession#pendingRequests} can report how long the unanswered ones have waited.
     * Always on with a {@link #requestTimeout}.
     */
    public SessionOptions trackRequestAge(boolean on) {
        this.trackRequestAge = on;
        return this;
    }

    public boolean trackRequestAge() {
        return trackRequestAge;
    }
}
