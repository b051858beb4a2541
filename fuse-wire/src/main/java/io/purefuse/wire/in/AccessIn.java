package io.purefuse.wire.in;

/** fuse_access_in (FUSE_ACCESS). */
public final class AccessIn extends InStruct {

    /** mask at offset 0. */
    public int mask() {
        return u32(0);
    }

}
