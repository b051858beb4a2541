package io.purefuse.wire.in;

/** fuse_setupmapping_in (FUSE_SETUPMAPPING, DAX). */
public final class SetupmappingIn extends InStruct {

    /** fh at offset 0. */
    public long fh() {
        return u64(0);
    }

    /** foffset at offset 8. */
    public long foffset() {
        return u64(8);
    }

    /** len at offset 16. */
    public long len() {
        return u64(16);
    }

    /** flags at offset 24. */
    public long flags() {
        return u64(24);
    }

    /** moffset at offset 32. */
    public long moffset() {
        return u64(32);
    }

}
