package io.purefuse.wire.in;

/** fuse_lk_in (FUSE_GETLK, FUSE_SETLK, FUSE_SETLKW); lk_flags is 0 before 7.9. */
public final class LkIn extends InStruct {

    /** fh at offset 0. */
    public long fh() {
        return u64(0);
    }

    /** owner at offset 8. */
    public long owner() {
        return u64(8);
    }

    /** lkStart at offset 16. */
    public long lkStart() {
        return u64(16);
    }

    /** lkEnd at offset 24. */
    public long lkEnd() {
        return u64(24);
    }

    /** lkType at offset 32. */
    public int lkType() {
        return u32(32);
    }

    /** lkPid at offset 36. */
    public int lkPid() {
        return u32(36);
    }

    /** lkFlags at offset 40, 0 when the kernel's minor does not send it. */
    public int lkFlags() {
        return u32Opt(40);
    }

    /** Copies lk into {@code into}. */
    public io.purefuse.wire.out.FileLock copyTo(io.purefuse.wire.out.FileLock into) {
        return into.set(lkStart(), lkEnd(), lkType(), lkPid());
    }
}
