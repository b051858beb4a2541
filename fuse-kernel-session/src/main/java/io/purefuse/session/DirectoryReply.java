package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import io.purefuse.wire.DirentPacker;
import io.purefuse.wire.out.EntryOut;

/**
 * Packs directory entries into one READDIR or READDIRPLUS reply (8-byte aligned dirents) and
 * stops at the first entry that does not fit: {@link #add} then returns false and the caller
 * resumes from that entry at the next READDIR, whose offset is the cookie of the last entry sent.
 */
public final class DirectoryReply {
    private final Request request;
    private final DirentPacker packer = new DirentPacker();
    private ByteBuf out;

    DirectoryReply(Request request) {
        this.request = request;
    }

    void begin(int maxSize, boolean plus) {
        discard();
        out = request.alloc().directBuffer(16 + maxSize);
        packer.begin(out, request.unique, maxSize, plus, request.minor());
    }

    /**
     * READDIR entry. {@code nextOffset} is the cookie the kernel sends back to continue after this
     * entry; {@code type} is the DT_* value ({@code (mode >> 12) & 15}).
     *
     * @return false (and nothing written) when the entry does not fit
     */
    public boolean add(CharSequence name, long ino, int type, long nextOffset) {
        return packer.add(ino, nextOffset, type, name);
    }

    /**
     * READDIRPLUS entry: a full lookup result. A nonzero {@code entry.nodeid()} adds one to its
     * lookup count, exactly as a LOOKUP reply would, but only for the entries that fit (check the
     * return value before counting). Entries "." and ".." should carry nodeid 0.
     */
    public boolean addPlus(CharSequence name, EntryOut entry, long nextOffset) {
        return packer.addPlus(entry, nextOffset, name);
    }

    /** Entries added so far. */
    public int count() {
        return packer.count();
    }

    /**
     * Sends the reply (an empty one means end of directory). Returns false if it did not reach
     * the kernel: the lookups counted for {@link #addPlus} entries must then be undone.
     */
    public boolean send() {
        ByteBuf b = out;
        if (b == null) {
            return false; // sent already (or never begun): never touch a released buffer
        }
        packer.finish();
        out = null;
        return request.sendDirectory(b);
    }

    /** Releases a reply that was begun but will not be sent. */
    void discard() {
        ByteBuf b = out;
        if (b != null) {
            out = null;
            b.release();
        }
    }
}
