package io.purefuse.wire.in;

/** fuse_batch_forget_in + count fuse_forget_one (FUSE_BATCH_FORGET). */
public final class BatchForgetIn extends InStruct {

    /** count at offset 0. */
    public int count() {
        return u32(0);
    }

    /** nodeid of entry {@code i} (0 &lt;= i &lt; count). */
    public long nodeid(int i) {
        return buf.getLongLE(dataIndex + 16 * java.util.Objects.checkIndex(i, count()));
    }

    /** nlookup of entry {@code i} (0 &lt;= i &lt; count). */
    public long nlookup(int i) {
        return buf.getLongLE(dataIndex + 8 + 16 * java.util.Objects.checkIndex(i, count()));
    }
}
