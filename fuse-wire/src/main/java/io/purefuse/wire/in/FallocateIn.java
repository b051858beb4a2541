package io.purefuse.wire.in;

/** fuse_fallocate_in (FUSE_FALLOCATE). */
public final class FallocateIn extends InStruct {

    /** fh at offset 0. */
    public long fh() {
        return u64(0);
    }

    /** offset at offset 8. */
    public long offset() {
        return u64(8);
    }

    /** length at offset 16. */
    public long length() {
        return u64(16);
    }

    /** mode at offset 24. */
    public int mode() {
        return u32(24);
    }

}
