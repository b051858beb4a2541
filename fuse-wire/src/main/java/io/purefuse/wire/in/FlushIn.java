package io.purefuse.wire.in;

/** fuse_flush_in (FUSE_FLUSH). */
public final class FlushIn extends InStruct {

    /** fh at offset 0. */
    public long fh() {
        return u64(0);
    }

    /** unused at offset 8. */
    public int unused() {
        return u32(8);
    }

    /** lockOwner at offset 16. */
    public long lockOwner() {
        return u64(16);
    }

}
