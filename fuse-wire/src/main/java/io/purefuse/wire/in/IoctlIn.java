package io.purefuse.wire.in;

/** fuse_ioctl_in + in_size bytes (FUSE_IOCTL). */
public final class IoctlIn extends DataIn {

    /** fh at offset 0. */
    public long fh() {
        return u64(0);
    }

    /** flags at offset 8. */
    public int flags() {
        return u32(8);
    }

    /** cmd at offset 12. */
    public int cmd() {
        return u32(12);
    }

    /** arg at offset 16. */
    public long arg() {
        return u64(16);
    }

    /** inSize at offset 24. */
    public int inSize() {
        return u32(24);
    }

    /** outSize at offset 28. */
    public int outSize() {
        return u32(28);
    }

}
