package io.purefuse.wire;

/** fuse_open_out.open_flags (FOPEN_*), and fuse_open_in.open_flags (FUSE_OPEN_*). */
public final class OpenFlags {
    public static final int FOPEN_DIRECT_IO = 1 << 0;
    public static final int FOPEN_KEEP_CACHE = 1 << 1;
    public static final int FOPEN_NONSEEKABLE = 1 << 2;
    public static final int FOPEN_CACHE_DIR = 1 << 3;
    public static final int FOPEN_STREAM = 1 << 4;
    public static final int FOPEN_NOFLUSH = 1 << 5;
    public static final int FOPEN_PARALLEL_DIRECT_WRITES = 1 << 6;
    public static final int FOPEN_PASSTHROUGH = 1 << 7;

    /** fuse_open_in.open_flags / fuse_create_in.open_flags. */
    public static final int FUSE_OPEN_KILL_SUIDGID = 1 << 0;

    private OpenFlags() {
    }
}
