package io.purefuse.wire.in;

import io.netty.buffer.ByteBuf;

/**
 * A request struct followed by a payload (WRITE data, IOCTL input, NOTIFY_REPLY retrieved
 * bytes): the accessors they share. The decoder checked that the payload fits the frame.
 */
public abstract class DataIn extends InStruct {

    /** Absolute index of the payload in {@link #buffer()}. */
    public final int dataIndex() {
        return dataIndex;
    }

    /** Length of the payload in bytes. */
    public final int dataLength() {
        return dataLength;
    }

    /** A read-only view of the payload (allocates a small derived buffer; use the index for zero-copy). */
    public final ByteBuf dataSlice() {
        return buf.slice(dataIndex, dataLength).asReadOnly();
    }
}
