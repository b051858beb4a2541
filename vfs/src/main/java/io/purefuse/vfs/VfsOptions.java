package io.purefuse.vfs;

import io.purefuse.backend.AlluxioPath;
import java.time.Duration;

/**
 * Behaviour switches of {@link AlluxioFuseFilesystem}. Mutable, fluent; read once at construction.
 *
 * <p>Defaults: mount the namespace root, kernel entry/attr timeouts 1 s, negative entries
 * cached by the kernel as long as positive ones, metadata cache of 20000 entries for 10 s,
 * random-access writes and symlinks off, page cache dropped at each open (neither
 * {@code kernel_cache} nor {@code auto_cache}), FUSE passthrough on where available.
 */
public final class VfsOptions {
    private AlluxioPath rootPath = AlluxioPath.root();
    private boolean randomAccess;
    private boolean passthrough = true;
    private long passthroughMinSize = DEFAULT_PASSTHROUGH_MIN_SIZE;
    private boolean symlinks;
    private boolean readOnly;
    private Duration entryTimeout = Duration.ofSeconds(1);
    private Duration attrTimeout = Duration.ofSeconds(1);
    private Duration negativeTimeout;
    private long metadataCacheMaxSize = 20_000;
    private Duration metadataCacheExpiration = Duration.ofSeconds(10);
    private boolean kernelCache;
    private boolean autoCache;
    private boolean directIo;
    private Duration writerWait = Duration.ofSeconds(2);
    private Duration reorderWait = Duration.ofMillis(500);
    private long reorderWindow = 64L << 20;
    private Duration backendTimeout = Duration.ZERO;

    /** Backend path shown as the mount's root ({@code alluxio.fuse.mount.alluxio.path}). */
    public VfsOptions rootPath(AlluxioPath p) {
        this.rootPath = p;
        return this;
    }

    public AlluxioPath rootPath() {
        return rootPath;
    }

    /** {@code alluxio.user.fuse.random.access.file.stream.enabled}. */
    public VfsOptions randomAccess(boolean v) {
        this.randomAccess = v;
        return this;
    }

    public boolean randomAccess() {
        return randomAccess;
    }

    /**
     * {@code purefuse.fuse.passthrough.enabled}: answer opens with FUSE passthrough when the
     * backend has {@link io.purefuse.backend.Capability#BACKING_FD} and the kernel grants it.
     * Read-only opens always; writable opens only with {@link #randomAccess()} (sequential-only
     * writes keep their own path and its rules).
     */
    public VfsOptions passthrough(boolean v) {
        this.passthrough = v;
        return this;
    }

    public boolean passthrough() {
        return passthrough;
    }

    /**
     * Default of {@link #passthroughMinSize}: below it registering a backing file for an open
     * (and dropping it at release) costs about as much as or more than the READs it saves; from
     * 32 KiB up passthrough won every interleaved run on a 2-core VM (open+read+close per file,
     * wall and CPU time; {@code bin/purefuse-bench --rows open4k --open-kib N}).
     */
    public static final long DEFAULT_PASSTHROUGH_MIN_SIZE = 32 * 1024;

    /**
     * {@code purefuse.fuse.passthrough.min.size}: read-only opens of files smaller than this
     * many bytes are served by purefuse, not passed through (0 = pass every size). Writable
     * opens and opens of an inode that is already passed through are not affected.
     */
    public VfsOptions passthroughMinSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("passthrough min size must be >= 0: " + bytes);
        }
        this.passthroughMinSize = bytes;
        return this;
    }

    public long passthroughMinSize() {
        return passthroughMinSize;
    }

    /** {@code alluxio.fuse.symlink.enabled}. */
    public VfsOptions symlinks(boolean v) {
        this.symlinks = v;
        return this;
    }

    public boolean symlinks() {
        return symlinks;
    }

    /** {@code -o ro}: every mutation answers EROFS. */
    public VfsOptions readOnly(boolean v) {
        this.readOnly = v;
        return this;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public VfsOptions entryTimeout(Duration d) {
        this.entryTimeout = d;
        return this;
    }

    public Duration entryTimeout() {
        return entryTimeout;
    }

    public VfsOptions attrTimeout(Duration d) {
        this.attrTimeout = d;
        return this;
    }

    public Duration attrTimeout() {
        return attrTimeout;
    }

    /** How long the kernel may cache "does not exist" (0: answer ENOENT, no negative dentry). */
    public VfsOptions negativeTimeout(Duration d) {
        this.negativeTimeout = d;
        return this;
    }

    public Duration negativeTimeout() {
        return negativeTimeout == null ? entryTimeout : negativeTimeout;
    }

    public VfsOptions metadataCacheMaxSize(long n) {
        this.metadataCacheMaxSize = n;
        return this;
    }

    public long metadataCacheMaxSize() {
        return metadataCacheMaxSize;
    }

    public VfsOptions metadataCacheExpiration(Duration d) {
        this.metadataCacheExpiration = d;
        return this;
    }

    public Duration metadataCacheExpiration() {
        return metadataCacheExpiration;
    }

    /** {@code kernel_cache}: keep the page cache across opens (FOPEN_KEEP_CACHE always). */
    public VfsOptions kernelCache(boolean v) {
        this.kernelCache = v;
        return this;
    }

    public boolean kernelCache() {
        return kernelCache;
    }

    /** {@code auto_cache}: keep the page cache when mtime and size did not change since the last open. */
    public VfsOptions autoCache(boolean v) {
        this.autoCache = v;
        return this;
    }

    public boolean autoCache() {
        return autoCache;
    }

    /** {@code direct_io}: bypass the page cache (FOPEN_DIRECT_IO). */
    public VfsOptions directIo(boolean v) {
        this.directIo = v;
        return this;
    }

    public boolean directIo() {
        return directIo;
    }

    /** How long an open for writing waits for another (sequential) writer to be released before EBUSY. */
    public VfsOptions writerWait(Duration d) {
        this.writerWait = d;
        return this;
    }

    public Duration writerWait() {
        return writerWait;
    }

    /**
     * How long a sequential write that arrives ahead of the stream position (parallel async
     * O_DIRECT writes) waits for the gap to be filled before it is treated as a random write.
     */
    public VfsOptions reorderWait(Duration d) {
        this.reorderWait = d;
        return this;
    }

    public Duration reorderWait() {
        return reorderWait;
    }

    /** Bytes of ahead-of-position writes a sequential writer may hold while waiting. */
    public VfsOptions reorderWindow(long bytes) {
        this.reorderWindow = bytes;
        return this;
    }

    public long reorderWindow() {
        return reorderWindow;
    }

    /**
     * {@code purefuse.fuse.backend.timeout}: deadline of each backend namespace or open call
     * (zero, the default, means none). A call that misses it answers ETIMEDOUT and its late
     * result is discarded (see {@link DeadlineBackend}).
     */
    public VfsOptions backendTimeout(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative backend timeout: " + d);
        }
        this.backendTimeout = d;
        return this;
    }

    public Duration backendTimeout() {
        return backendTimeout;
    }
}
