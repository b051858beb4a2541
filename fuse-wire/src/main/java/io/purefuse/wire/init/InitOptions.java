package io.purefuse.wire.init;

import io.purefuse.wire.InitFlags;

/** What the server wants from INIT. Mutable, fluent; every setter returns this. */
public final class InitOptions {
    /** A sensible default flag set for a network filesystem server. */
    public static final long DEFAULT_FLAGS = InitFlags.ASYNC_READ | InitFlags.ATOMIC_O_TRUNC
        | InitFlags.BIG_WRITES | InitFlags.MAX_PAGES | InitFlags.PARALLEL_DIROPS
        | InitFlags.ASYNC_DIO | InitFlags.AUTO_INVAL_DATA | InitFlags.DO_READDIRPLUS
        | InitFlags.READDIRPLUS_AUTO | InitFlags.SETXATTR_EXT | InitFlags.ABORT_ERROR;

    private long flags = DEFAULT_FLAGS;
    private int maxWrite = 1 << 20;
    private int maxPages = -1;
    private long maxReadahead = -1;
    private int maxBackground = 64;
    private int congestionThreshold = -1;
    private int timeGran = 1;
    private int maxStackDepth = 1;
    private int requestTimeout;
    private int mapAlignment;

    public InitOptions() {
    }

    /** An independent copy (the session adjusts flags to what the filesystem implements). */
    public InitOptions copy() {
        InitOptions c = new InitOptions();
        c.flags = flags;
        c.maxWrite = maxWrite;
        c.maxPages = maxPages;
        c.maxReadahead = maxReadahead;
        c.maxBackground = maxBackground;
        c.congestionThreshold = congestionThreshold;
        c.timeGran = timeGran;
        c.maxStackDepth = maxStackDepth;
        c.requestTimeout = requestTimeout;
        c.mapAlignment = mapAlignment;
        return c;
    }

    public long flags() { return flags; }

    /** The INIT flags wanted (InitFlags bits); only those the kernel offers are granted. */
    public InitOptions flags(long v) { flags = v; return this; }

    public InitOptions addFlags(long v) { flags |= v; return this; }

    public InitOptions removeFlags(long v) { flags &= ~v; return this; }

    public int maxWrite() { return maxWrite; }

    /** Largest WRITE payload (default 1 MiB; at least 4096). */
    public InitOptions maxWrite(int v) { maxWrite = v; return this; }

    /** -1 = derived from maxWrite. */
    public int maxPages() { return maxPages; }

    public InitOptions maxPages(int v) { maxPages = v; return this; }

    /** -1 = whatever the kernel offers. */
    public long maxReadahead() { return maxReadahead; }

    public InitOptions maxReadahead(long v) { maxReadahead = v; return this; }

    public int maxBackground() { return maxBackground; }

    public InitOptions maxBackground(int v) { maxBackground = v; return this; }

    /** -1 = 3/4 of maxBackground. */
    public int congestionThreshold() { return congestionThreshold; }

    public InitOptions congestionThreshold(int v) { congestionThreshold = v; return this; }

    public int timeGran() { return timeGran; }

    /** Timestamp granularity in ns (1 = ns precision). */
    public InitOptions timeGran(int v) { timeGran = v; return this; }

    public int maxStackDepth() { return maxStackDepth; }

    /** Sent only with PASSTHROUGH. */
    public InitOptions maxStackDepth(int v) { maxStackDepth = v; return this; }

    public int requestTimeout() { return requestTimeout; }

    /** Seconds; sent only with REQUEST_TIMEOUT. */
    public InitOptions requestTimeout(int v) { requestTimeout = v; return this; }

    public int mapAlignment() { return mapAlignment; }

    /** log2 alignment; sent only with MAP_ALIGNMENT. */
    public InitOptions mapAlignment(int v) { mapAlignment = v; return this; }
}
