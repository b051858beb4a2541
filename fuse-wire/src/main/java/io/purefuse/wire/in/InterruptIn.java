package io.purefuse.wire.in;

/** fuse_interrupt_in (FUSE_INTERRUPT): the unique of the interrupted request. */
public final class InterruptIn extends InStruct {

    /** unique at offset 0. */
    public long unique() {
        return u64(0);
    }

}
