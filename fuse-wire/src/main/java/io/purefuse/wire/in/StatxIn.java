package io.purefuse.wire.in;

/** fuse_statx_in (FUSE_STATX). */
public final class StatxIn extends InStruct {

    /** getattrFlags at offset 0. */
    public int getattrFlags() {
        return u32(0);
    }

    /** fh at offset 8. */
    public long fh() {
        return u64(8);
    }

    /** sxFlags at offset 16. */
    public int sxFlags() {
        return u32(16);
    }

    /** sxMask at offset 20. */
    public int sxMask() {
        return u32(20);
    }

}
