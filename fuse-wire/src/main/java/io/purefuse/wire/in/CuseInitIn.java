package io.purefuse.wire.in;

/** cuse_init_in (CUSE_INIT). */
public final class CuseInitIn extends InStruct {

    /** major at offset 0. */
    public int major() {
        return u32(0);
    }

    /** minor at offset 4. */
    public int minor() {
        return u32(4);
    }

    /** unused at offset 8. */
    public int unused() {
        return u32(8);
    }

    /** flags at offset 12. */
    public int flags() {
        return u32(12);
    }

}
