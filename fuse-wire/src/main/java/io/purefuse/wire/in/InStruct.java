package io.purefuse.wire.in;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Base of the request flyweights: a view of (buffer, offset) bound by the decoder, reading
 * little-endian fields in place. The decoder has validated the struct size, the names and the
 * trailing data before binding, so accessors never read outside the frame. Fields that older
 * minors do not send read as 0. A flyweight is valid until the next decode into its frame.
 */
public abstract class InStruct {
    protected ByteBuf buf;
    /** Absolute index of the fixed struct in {@link #buf}. */
    protected int off;
    /** Bytes of the fixed struct visible to this flyweight. */
    protected int len;
    int name0Index;
    int name0Length;
    int name1Index;
    int name1Length;
    int dataIndex;
    int dataLength;

    /**
     * Binds this flyweight (decoder use; tests may call it too). Indexes are absolute in
     * {@code buf}; lengths exclude the NUL terminators.
     */
    public final void bind(ByteBuf buf, int off, int len, int name0Index, int name0Length,
                           int name1Index, int name1Length, int dataIndex, int dataLength) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.name0Index = name0Index;
        this.name0Length = name0Length;
        this.name1Index = name1Index;
        this.name1Length = name1Length;
        this.dataIndex = dataIndex;
        this.dataLength = dataLength;
    }

    /** The buffer holding the frame. */
    public final ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the fixed struct. */
    public final int structIndex() {
        return off;
    }

    /** Bytes of the fixed struct present in the frame (compat sizes may be smaller). */
    public final int structLength() {
        return len;
    }

    protected final int u32(int rel) {
        return buf.getIntLE(off + rel);
    }

    protected final long u64(int rel) {
        return buf.getLongLE(off + rel);
    }

    /** A u32 that older minors may not send (0 when absent). */
    protected final int u32Opt(int rel) {
        return rel + 4 <= len ? buf.getIntLE(off + rel) : 0;
    }

    /** A u64 that older minors may not send (0 when absent). */
    protected final long u64Opt(int rel) {
        return rel + 8 <= len ? buf.getLongLE(off + rel) : 0;
    }

    protected final String string(int index, int length) {
        if (length <= 0) {
            return "";
        }
        return buf.toString(index, length, StandardCharsets.UTF_8);
    }

    /** Copies {@code length} bytes at {@code index} into a new array. */
    protected final byte[] bytes(int index, int length) {
        byte[] b = new byte[Math.max(length, 0)];
        if (length > 0) {
            buf.getBytes(index, b);
        }
        return b;
    }

    protected final boolean utf8(int index, int length) {
        return Utf8.isValid(buf, index, length);
    }

    protected final boolean sameBytes(int index, int length, byte[] other) {
        if (other.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buf.getByte(index + i) != other[i]) {
                return false;
            }
        }
        return true;
    }
}
