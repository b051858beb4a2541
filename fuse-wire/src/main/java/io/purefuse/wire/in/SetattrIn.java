package io.purefuse.wire.in;

/** fuse_setattr_in (FUSE_SETATTR). {@link #valid()} says which fields are meaningful. */
public final class SetattrIn extends InStruct {

    /** valid at offset 0. */
    public int valid() {
        return u32(0);
    }

    /** fh at offset 8. */
    public long fh() {
        return u64(8);
    }

    /** size at offset 16. */
    public long size() {
        return u64(16);
    }

    /** lockOwner at offset 24. */
    public long lockOwner() {
        return u64(24);
    }

    /** atime at offset 32. */
    public long atime() {
        return u64(32);
    }

    /** mtime at offset 40. */
    public long mtime() {
        return u64(40);
    }

    /** ctime at offset 48. */
    public long ctime() {
        return u64(48);
    }

    /** atimensec at offset 56. */
    public int atimensec() {
        return u32(56);
    }

    /** mtimensec at offset 60. */
    public int mtimensec() {
        return u32(60);
    }

    /** ctimensec at offset 64. */
    public int ctimensec() {
        return u32(64);
    }

    /** mode at offset 68. */
    public int mode() {
        return u32(68);
    }

    /** uid at offset 76. */
    public int uid() {
        return u32(76);
    }

    /** gid at offset 80. */
    public int gid() {
        return u32(80);
    }

    /** True when every bit of {@code fattr} (SetattrValid.FATTR_*) is set in valid. */
    public boolean has(int fattr) {
        return (valid() & fattr) == fattr;
    }
}
