package io.purefuse.wire.in;

/** fuse_open_in (FUSE_OPEN, FUSE_OPENDIR). */
public final class OpenIn extends InStruct {

    /** flags at offset 0. */
    public int flags() {
        return u32(0);
    }

    /** openFlags at offset 4. */
    public int openFlags() {
        return u32(4);
    }

}
