package io.purefuse.wire.in;

import io.netty.buffer.ByteBuf;

/** fuse_notify_retrieve_in + data (FUSE_NOTIFY_REPLY): the kernel's answer to a RETRIEVE notification; the header's unique is the notify_unique. */
public final class NotifyRetrieveIn extends InStruct {

    /** offset at offset 8. */
    public long offset() {
        return u64(8);
    }

    /** size at offset 16. */
    public int size() {
        return u32(16);
    }

    /** Absolute index of the retrieved bytes in {@link #buffer()}. */
    public int dataIndex() {
        return dataIndex;
    }

    /** Length of the retrieved bytes. */
    public int dataLength() {
        return dataLength;
    }

    /** A read-only view of the retrieved bytes (allocates a small derived buffer; use the index for zero-copy). */
    public ByteBuf dataSlice() {
        return buf.slice(dataIndex, dataLength).asReadOnly();
    }

}
