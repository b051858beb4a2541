package io.purefuse.wire.in;

import io.netty.buffer.ByteBuf;

/** fuse_ioctl_in + in_size bytes (FUSE_IOCTL). */
public final class IoctlIn extends InStruct {

    /** fh at offset 0. */
    public long fh() {
        return u64(0);
    }

    /** flags at offset 8. */
    public int flags() {
        return u32(8);
    }

    /** cmd at offset 12. */
    public int cmd() {
        return u32(12);
    }

    /** arg at offset 16. */
    public long arg() {
        return u64(16);
    }

    /** inSize at offset 24. */
    public int inSize() {
        return u32(24);
    }

    /** outSize at offset 28. */
    public int outSize() {
        return u32(28);
    }

    /** Absolute index of the ioctl input in {@link #buffer()}. */
    public int dataIndex() {
        return dataIndex;
    }

    /** Length of the ioctl input. */
    public int dataLength() {
        return dataLength;
    }

    /** A read-only view of the ioctl input (allocates a small derived buffer; use the index for zero-copy). */
    public ByteBuf dataSlice() {
        return buf.slice(dataIndex, dataLength).asReadOnly();
    }

}
