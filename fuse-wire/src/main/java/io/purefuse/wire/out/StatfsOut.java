package io.purefuse.wire.out;

import io.netty.buffer.ByteBuf;

/** fuse_kstatfs: a mutable, reusable value. */
public final class StatfsOut {
    public long blocks;
    public long bfree;
    public long bavail;
    public long files;
    public long ffree;
    public int bsize;
    public int namelen;
    public int frsize;

    public StatfsOut clear() {
        blocks = bfree = bavail = files = ffree = 0;
        bsize = namelen = frsize = 0;
        return this;
    }

    public StatfsOut set(long blocks, long bfree, long bavail, long files, long ffree, int bsize,
                         int namelen, int frsize) {
        this.blocks = blocks;
        this.bfree = bfree;
        this.bavail = bavail;
        this.files = files;
        this.ffree = ffree;
        this.bsize = bsize;
        this.namelen = namelen;
        this.frsize = frsize;
        return this;
    }

    /** Writes fuse_statfs_out: 80 bytes, 48 before 7.4 (no frsize, padding, spare). */
    public void writeTo(ByteBuf out, int minor) {
        out.writeLongLE(blocks);
        out.writeLongLE(bfree);
        out.writeLongLE(bavail);
        out.writeLongLE(files);
        out.writeLongLE(ffree);
        out.writeIntLE(bsize);
        out.writeIntLE(namelen);
        if (minor >= 4) {
            out.writeIntLE(frsize);
            out.writeIntLE(0);
            out.writeZero(24);
        }
    }

    public StatfsOut readFrom(ByteBuf in, int index, int minor) {
        blocks = in.getLongLE(index);
        bfree = in.getLongLE(index + 8);
        bavail = in.getLongLE(index + 16);
        files = in.getLongLE(index + 24);
        ffree = in.getLongLE(index + 32);
        bsize = in.getIntLE(index + 40);
        namelen = in.getIntLE(index + 44);
        frsize = minor >= 4 ? in.getIntLE(index + 48) : 0;
        return this;
    }
}
