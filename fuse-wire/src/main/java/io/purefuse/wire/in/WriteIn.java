package io.purefuse.wire.in;

import io.netty.buffer.ByteBuf;

/** fuse_write_in + data (FUSE_WRITE). The data is {@link #size()} bytes at {@link #dataIndex()} of {@link #buffer()}. */
public final class WriteIn extends InStruct {

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

    /** Absolute index of the written bytes in {@link #buffer()}. */
    public int dataIndex() {
        return dataIndex;
    }

    /** Length of the written bytes. */
    public int dataLength() {
        return dataLength;
    }

    /** A read-only view of the written bytes (allocates a small derived buffer; use the index for zero-copy). */
    public ByteBuf dataSlice() {
        return buf.slice(dataIndex, dataLength).asReadOnly();
    }

}
