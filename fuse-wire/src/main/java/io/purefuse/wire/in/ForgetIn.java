package io.purefuse.wire.in;

/** fuse_forget_in (FUSE_FORGET); the node is the header's nodeid. */
public final class ForgetIn extends InStruct {

    /** nlookup at offset 0. */
    public long nlookup() {
        return u64(0);
    }

}
