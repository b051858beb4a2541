package io.purefuse.wire.in;

/** fuse_write_in + data (FUSE_WRITE). The data is {@link #size()} bytes at {@link #dataIndex()} of {@link #buffer()}. */
public final class WriteIn extends DataIn {

    /** fh at offset 0. */
    public long fh() {
        return u64(0);
    }

    /** offset at offset 8. */
    public long offset() {
        return u64(8);
    }

    /** size at offset 16. */
    public int size() {
        return u32(16);
    }

    /** writeFlags at offset 20. */
    public int writeFlags() {
        return u32(20);
    }

    /** lockOwner at offset 24, 0 when the kernel's minor does not send it. */
    public long lockOwner() {
        return u64Opt(24);
    }

    /** flags at offset 32, 0 when the kernel's minor does not send it. */
    public int flags() {
        return u32Opt(32);
    }

}
