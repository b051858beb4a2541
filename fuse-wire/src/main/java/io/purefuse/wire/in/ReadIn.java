package io.purefuse.wire.in;

/** fuse_read_in (FUSE_READ, FUSE_READDIR, FUSE_READDIRPLUS); size is a u32. */
public final class ReadIn extends InStruct {

    /** fh at offset 0. */
    public long fh() {
        return u64(0);
    }

    /** offset at offset 8. */
    public long offset() {
        return u64(8);
    }

    /** size at offset 16. */
    public int size() {
        return u32(16);
    }

    /** readFlags at offset 20. */
    public int readFlags() {
        return u32(20);
    }

    /** lockOwner at offset 24, 0 when the kernel's minor does not send it. */
    public long lockOwner() {
        return u64Opt(24);
    }

    /** flags at offset 32, 0 when the kernel's minor does not send it. */
    public int flags() {
        return u32Opt(32);
    }

}
