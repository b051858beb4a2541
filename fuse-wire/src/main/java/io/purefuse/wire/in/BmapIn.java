package io.purefuse.wire.in;

/** fuse_bmap_in (FUSE_BMAP). */
public final class BmapIn extends InStruct {

    /** block at offset 0. */
    public long block() {
        return u64(0);
    }

    /** blocksize at offset 8. */
    public int blocksize() {
        return u32(8);
    }

}
