package io.purefuse.wire.in;

/** fuse_removemapping_in + count fuse_removemapping_one (FUSE_REMOVEMAPPING, DAX). */
public final class RemovemappingIn extends InStruct {

    /** count at offset 0. */
    public int count() {
        return u32(0);
    }

    /** moffset of entry {@code i}. */
    public long moffset(int i) {
        return buf.getLongLE(dataIndex + 16 * java.util.Objects.checkIndex(i, count()));
    }

    /** len of entry {@code i}. */
    public long len(int i) {
        return buf.getLongLE(dataIndex + 8 + 16 * java.util.Objects.checkIndex(i, count()));
    }
}
