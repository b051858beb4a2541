package io.purefuse.wire.init;

/** The outcome of INIT: what both sides agreed on. Immutable. */
public final class NegotiatedInit {
    /** How to answer the INIT. */
    public enum Kind {
        /** Normal: reply with the negotiated parameters. */
        OK,
        /** Kernel major older than 7: answer EPROTO. */
        UNSUPPORTED_MAJOR,
        /** Kernel major newer than 7: answer only {7, 45} and wait for a new INIT. */
        NEWER_MAJOR
    }

    private final Kind kind;
    private final int major;
    private final int minor;
    private final long offeredFlags;
    private final long flags;
    private final int maxReadahead;
    private final int maxWrite;
    private final int maxPages;
    private final int maxBackground;
    private final int congestionThreshold;
    private final int timeGran;
    private final int maxStackDepth;
    private final int requestTimeout;
    private final int mapAlignment;

    NegotiatedInit(Kind kind, int major, int minor, long offeredFlags, long flags, int maxReadahead,
                   int maxWrite, int maxPages, int maxBackground, int congestionThreshold,
                   int timeGran, int maxStackDepth, int requestTimeout, int mapAlignment) {
        this.kind = kind;
        this.major = major;
        this.minor = minor;
        this.offeredFlags = offeredFlags;
        this.flags = flags;
        this.maxReadahead = maxReadahead;
        this.maxWrite = maxWrite;
        this.maxPages = maxPages;
        this.maxBackground = maxBackground;
        this.congestionThreshold = congestionThreshold;
        this.timeGran = timeGran;
        this.maxStackDepth = maxStackDepth;
        this.requestTimeout = requestTimeout;
        this.mapAlignment = mapAlignment;
    }

    public Kind kind() { return kind; }

    /** True when the session can start serving (kind OK). */
    public boolean ok() { return kind == Kind.OK; }

    public int major() { return major; }

    /** The minor both sides use: min(kernel, 45). */
    public int minor() { return minor; }

    /** What the kernel offered (flags | flags2 &lt;&lt; 32 when it set INIT_EXT). */
    public long offeredFlags() { return offeredFlags; }

    /** Flags both sides have (plus INIT_EXT when offered); the reply carries exactly these. */
    public long flags() { return flags; }

    public boolean has(long flag) { return (flags & flag) == flag; }

    public int maxReadahead() { return maxReadahead; }

    public int maxWrite() { return maxWrite; }

    /** Effective max_pages (32 when MAX_PAGES was not negotiated). */
    public int maxPages() { return maxPages; }

    public int maxBackground() { return maxBackground; }

    public int congestionThreshold() { return congestionThreshold; }

    public int timeGran() { return timeGran; }

    public int maxStackDepth() { return maxStackDepth; }

    public int requestTimeout() { return requestTimeout; }

    public int mapAlignment() { return mapAlignment; }

    /** Size of the read buffer the session needs: max(8192, 80 + max_write) rounded up a page. */
    public int readBufferSize() {
        return Math.max(io.purefuse.wire.Protocol.MIN_READ_BUFFER, maxWrite + 4096);
    }

    @Override
    public String toString() {
        return "NegotiatedInit{" + kind + " " + major + "." + minor + " flags="
            + io.purefuse.wire.InitFlags.describe(flags) + " maxReadahead=" + maxReadahead
            + " maxWrite=" + maxWrite + " maxPages=" + maxPages + " maxBackground="
            + maxBackground + " congestionThreshold=" + congestionThreshold + " timeGran="
            + timeGran + "}";
    }
}
