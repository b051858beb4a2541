package io.purefuse.wire.in;

/** fuse_mknod_in + name (FUSE_MKNOD); umask is 0 before 7.12. */
public final class MknodIn extends NamedIn {

    /** mode at offset 0. */
    public int mode() {
        return u32(0);
    }

    /** rdev at offset 4. */
    public int rdev() {
        return u32(4);
    }

    /** umask at offset 8, 0 when the kernel's minor does not send it. */
    public int umask() {
        return u32Opt(8);
    }

}
