package io.purefuse.wire.in;

/** fuse_syncfs_in (FUSE_SYNCFS): padding only. */
public final class SyncfsIn extends InStruct {

    /** padding at offset 0. */
    public long padding() {
        return u64(0);
    }

}
