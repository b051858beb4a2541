package io.purefuse.wire.in;

import io.netty.buffer.ByteBuf;

/** fuse_setxattr_in + name + value (FUSE_SETXATTR); setxattr_flags only with SETXATTR_EXT. */
public final class SetxattrIn extends InStruct {

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

    /** Absolute index of name in {@link #buffer()}. */
    public int nameIndex() {
        return name0Index;
    }

    /** Length of name in bytes, without its NUL. */
    public int nameLength() {
        return name0Length;
    }

    /** name decoded as UTF-8; invalid sequences become U+FFFD, so check {@link #nameIsValidUtf8()} first (EILSEQ). */
    public String name() {
        return string(name0Index, name0Length);
    }

    /** True when name is strict UTF-8. */
    public boolean nameIsValidUtf8() {
        return utf8(name0Index, name0Length);
    }

    /** A copy of the raw bytes of name. */
    public byte[] nameBytes() {
        return bytes(name0Index, name0Length);
    }

    /** True when name equals these bytes (no allocation). */
    public boolean nameEquals(byte[] other) {
        return sameBytes(name0Index, name0Length, other);
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
