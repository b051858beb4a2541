package io.purefuse.wire.in;

/** fuse_notify_retrieve_in + data (FUSE_NOTIFY_REPLY): the kernel's answer to a RETRIEVE notification; the header's unique is the notify_unique. */
public final class NotifyRetrieveIn extends DataIn {

    /** offset at offset 8. */
    public long offset() {
        return u64(8);
    }

    /** size at offset 16. */
    public int size() {
        return u32(16);
    }

}
