package io.purefuse.wire.in;

/** fuse_getattr_in (FUSE_GETATTR); absent before 7.9 (fields read 0). */
public final class GetattrIn extends InStruct {

    /** getattrFlags at offset 0, 0 when the kernel's minor does not send it. */
    public int getattrFlags() {
        return u32Opt(0);
    }

    /** fh at offset 8, 0 when the kernel's minor does not send it. */
    public long fh() {
        return u64Opt(8);
    }

}
