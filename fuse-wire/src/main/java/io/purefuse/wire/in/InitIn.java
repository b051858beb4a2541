package io.purefuse.wire.in;

/** fuse_init_in (FUSE_INIT). Old kernels send 16 bytes; flags2 is present from 7.36 (64 bytes). */
public final class InitIn extends InStruct {

    /** major at offset 0. */
    public int major() {
        return u32(0);
    }

    /** minor at offset 4. */
    public int minor() {
        return u32(4);
    }

    /** maxReadahead at offset 8, 0 when the kernel's minor does not send it. */
    public int maxReadahead() {
        return u32Opt(8);
    }

    /** flags at offset 12, 0 when the kernel's minor does not send it. */
    public int flags() {
        return u32Opt(12);
    }

    /** flags2 at offset 16, 0 when the kernel's minor does not send it. */
    public int flags2() {
        return u32Opt(16);
    }

    /** flags | flags2 &lt;&lt; 32, flags2 counted only when the offer has FUSE_INIT_EXT (bit 30). */
    public long flags64() {
        long lo = flags() & 0xffffffffL;
        if ((lo & io.purefuse.wire.InitFlags.INIT_EXT) != 0) {
            lo |= (flags2() & 0xffffffffL) << 32;
        }
        return lo;
    }
}
