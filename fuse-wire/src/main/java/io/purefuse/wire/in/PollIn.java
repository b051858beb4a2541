package io.purefuse.wire.in;

/** fuse_poll_in (FUSE_POLL). */
public final class PollIn extends InStruct {

    /** fh at offset 0. */
    public long fh() {
        return u64(0);
    }

    /** kh at offset 8. */
    public long kh() {
        return u64(8);
    }

    /** flags at offset 16. */
    public int flags() {
        return u32(16);
    }

    /** events at offset 20. */
    public int events() {
        return u32(20);
    }

}
