package io.purefuse.wire.in;

/** fuse_fsync_in (FUSE_FSYNC, FUSE_FSYNCDIR). */
public final class FsyncIn extends InStruct {

    /** fh at offset 0. */
    public long fh() {
        return u64(0);
    }

    /** fsyncFlags at offset 8. */
    public int fsyncFlags() {
        return u32(8);
    }

}
