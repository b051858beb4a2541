package io.purefuse.wire.out;

import io.netty.buffer.ByteBuf;

/** fuse_attr: a mutable, reusable value. Unsigned kernel fields are held in Java ints/longs. */
public final class Attr {
    public long ino;
    public long size;
    public long blocks;
    public long atime;
    public long mtime;
    public long ctime;
    public int atimensec;
    public int mtimensec;
    public int ctimensec;
    public int mode;
    public int nlink;
    public int uid;
    public int gid;
    public int rdev;
    public int blksize;
    public int flags;

    public Attr clear() {
        ino = size = blocks = atime = mtime = ctime = 0;
        atimensec = mtimensec = ctimensec = mode = nlink = uid = gid = rdev = blksize = flags = 0;
        return this;
    }

    public Attr copyFrom(Attr o) {
        ino = o.ino;
        size = o.size;
        blocks = o.blocks;
        atime = o.atime;
        mtime = o.mtime;
        ctime = o.ctime;
        atimensec = o.atimensec;
        mtimensec = o.mtimensec;
        ctimensec = o.ctimensec;
        mode = o.mode;
        nlink = o.nlink;
        uid = o.uid;
        gid = o.gid;
        rdev = o.rdev;
        blksize = o.blksize;
        flags = o.flags;
        return this;
    }

    public Attr ino(long v) { ino = v; return this; }
    public Attr size(long v) { size = v; return this; }
    public Attr blocks(long v) { blocks = v; return this; }
    public Attr mode(int v) { mode = v; return this; }
    public Attr nlink(int v) { nlink = v; return this; }
    public Attr uid(int v) { uid = v; return this; }
    public Attr gid(int v) { gid = v; return this; }
    public Attr rdev(int v) { rdev = v; return this; }
    public Attr blksize(int v) { blksize = v; return this; }
    public Attr flags(int v) { flags = v; return this; }

    public Attr atime(long sec, int nsec) { atime = sec; atimensec = nsec; return this; }
    public Attr mtime(long sec, int nsec) { mtime = sec; mtimensec = nsec; return this; }
    public Attr ctime(long sec, int nsec) { ctime = sec; ctimensec = nsec; return this; }

    /** Writes fuse_attr: 88 bytes, or the 80-byte pre-7.9 layout (no blksize, flags). */
    public void writeTo(ByteBuf out, int minor) {
        out.writeLongLE(ino);
        out.writeLongLE(size);
        out.writeLongLE(blocks);
        out.writeLongLE(atime);
        out.writeLongLE(mtime);
        out.writeLongLE(ctime);
        out.writeIntLE(atimensec);
        out.writeIntLE(mtimensec);
        out.writeIntLE(ctimensec);
        out.writeIntLE(mode);
        out.writeIntLE(nlink);
        out.writeIntLE(uid);
        out.writeIntLE(gid);
        out.writeIntLE(rdev);
        if (minor >= 9) {
            out.writeIntLE(blksize);
            out.writeIntLE(flags);
        }
    }

    /** Reads fuse_attr at an absolute index (test and debug use). */
    public Attr readFrom(ByteBuf in, int index, int minor) {
        ino = in.getLongLE(index);
        size = in.getLongLE(index + 8);
        blocks = in.getLongLE(index + 16);
        atime = in.getLongLE(index + 24);
        mtime = in.getLongLE(index + 32);
        ctime = in.getLongLE(index + 40);
        atimensec = in.getIntLE(index + 48);
        mtimensec = in.getIntLE(index + 52);
        ctimensec = in.getIntLE(index + 56);
        mode = in.getIntLE(index + 60);
        nlink = in.getIntLE(index + 64);
        uid = in.getIntLE(index + 68);
        gid = in.getIntLE(index + 72);
        rdev = in.getIntLE(index + 76);
        if (minor >= 9) {
            blksize = in.getIntLE(index + 80);
            flags = in.getIntLE(index + 84);
        } else {
            blksize = 0;
            flags = 0;
        }
        return this;
    }
}
