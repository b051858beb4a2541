package io.purefuse.wire.in;

/** fuse_copy_file_range_in (FUSE_COPY_FILE_RANGE, FUSE_COPY_FILE_RANGE_64); the input node is the header's nodeid. */
public final class CopyFileRangeIn extends InStruct {

    /** fhIn at offset 0. */
    public long fhIn() {
        return u64(0);
    }

    /** offIn at offset 8. */
    public long offIn() {
        return u64(8);
    }

    /** nodeidOut at offset 16. */
    public long nodeidOut() {
        return u64(16);
    }

    /** fhOut at offset 24. */
    public long fhOut() {
        return u64(24);
    }

    /** offOut at offset 32. */
    public long offOut() {
        return u64(32);
    }

    /** len at offset 40. */
    public long len() {
        return u64(40);
    }

    /** flags at offset 48. */
    public long flags() {
        return u64(48);
    }

}
