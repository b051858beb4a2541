package io.purefuse.wire.in;

/** fuse_create_in + name (FUSE_CREATE, FUSE_TMPFILE); umask and open_flags are 0 before 7.12. */
public final class CreateIn extends NamedIn {

    /** flags at offset 0. */
    public int flags() {
        return u32(0);
    }

    /** mode at offset 4. */
    public int mode() {
        return u32(4);
    }

    /** umask at offset 8, 0 when the kernel's minor does not send it. */
    public int umask() {
        return u32Opt(8);
    }

    /** openFlags at offset 12, 0 when the kernel's minor does not send it. */
    public int openFlags() {
        return u32Opt(12);
    }

}
