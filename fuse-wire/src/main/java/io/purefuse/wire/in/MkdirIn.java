package io.purefuse.wire.in;

/** fuse_mkdir_in + name (FUSE_MKDIR). */
public final class MkdirIn extends NamedIn {

    /** mode at offset 0. */
    public int mode() {
        return u32(0);
    }

    /** umask at offset 4. */
    public int umask() {
        return u32(4);
    }

}
