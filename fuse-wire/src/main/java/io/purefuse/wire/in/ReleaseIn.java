package io.purefuse.wire.in;

/** fuse_release_in (FUSE_RELEASE, FUSE_RELEASEDIR). */
public final class ReleaseIn extends InStruct {

    /** fh at offset 0. */
    public long fh() {
        return u64(0);
    }

    /** flags at offset 8. */
    public int flags() {
        return u32(8);
    }

    /** releaseFlags at offset 12. */
    public int releaseFlags() {
        return u32(12);
    }

    /** lockOwner at offset 16, 0 when the kernel's minor does not send it. */
    public long lockOwner() {
        return u64Opt(16);
    }

}
