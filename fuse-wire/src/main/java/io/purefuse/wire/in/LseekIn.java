package io.purefuse.wire.in;

/** fuse_lseek_in (FUSE_LSEEK). */
public final class LseekIn extends InStruct {

    /** fh at offset 0. */
    public long fh() {
        return u64(0);
    }

    /** offset at offset 8. */
    public long offset() {
        return u64(8);
    }

    /** whence at offset 16. */
    public int whence() {
        return u32(16);
    }

}
