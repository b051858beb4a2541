package io.purefuse.wire.in;

import io.netty.buffer.ByteBuf;

/** fuse_setxattr_in + name + value (FUSE_SETXATTR); setxattr_flags only with SETXATTR_EXT. */
public final class SetxattrIn extends NamedIn {

    /** size at offset 0. */
    public int size() {
        return u32(0);
    }

    /** flags at offset 4. */
    public int flags() {
        return u32(4);
    }

    /** setxattrFlags at offset 8, 0 when the kernel's minor does not send it. */
    public int setxattrFlags() {
        return u32Opt(8);
    }

    /** Absolute index of the attribute value in {@link #buffer()}. */
    public int valueIndex() {
        return dataIndex;
    }

    /** Length of the attribute value. */
    public int valueLength() {
        return dataLength;
    }

    /** A read-only view of the attribute value (allocates a small derived buffer; use the index for zero-copy). */
    public ByteBuf valueSlice() {
        return buf.slice(dataIndex, dataLength).asReadOnly();
    }

}
