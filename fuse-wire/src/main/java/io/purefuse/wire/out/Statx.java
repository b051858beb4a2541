package io.purefuse.wire.out;

import io.netty.buffer.ByteBuf;

/** fuse_statx (statx(2) layout, 256 bytes): a mutable, reusable value. mode is a u16. */
public final class Statx {
    public int mask;
    public int blksize;
    public long attributes;
    public int nlink;
    public int uid;
    public int gid;
    public int mode;
    public long ino;
    public long size;
    public long blocks;
    public long attributesMask;
    public long atimeSec;
    public int atimeNsec;
    public long btimeSec;
    public int btimeNsec;
    public long ctimeSec;
    public int ctimeNsec;
    public long mtimeSec;
    public int mtimeNsec;
    public int rdevMajor;
    public int rdevMinor;
    public int devMajor;
    public int devMinor;

    public Statx clear() {
        mask = blksize = nlink = uid = gid = mode = 0;
        attributes = ino = size = blocks = attributesMask = 0;
        atimeSec = btimeSec = ctimeSec = mtimeSec = 0;
        atimeNsec = btimeNsec = ctimeNsec = mtimeNsec = 0;
        rdevMajor = rdevMinor = devMajor = devMinor = 0;
        return this;
    }

    public void writeTo(ByteBuf out) {
        out.writeIntLE(mask);
        out.writeIntLE(blksize);
        out.writeLongLE(attributes);
        out.writeIntLE(nlink);
        out.writeIntLE(uid);
        out.writeIntLE(gid);
        out.writeShortLE(mode);
        out.writeShortLE(0);
        out.writeLongLE(ino);
        out.writeLongLE(size);
        out.writeLongLE(blocks);
        out.writeLongLE(attributesMask);
        time(out, atimeSec, atimeNsec);
        time(out, btimeSec, btimeNsec);
        time(out, ctimeSec, ctimeNsec);
        time(out, mtimeSec, mtimeNsec);
        out.writeIntLE(rdevMajor);
        out.writeIntLE(rdevMinor);
        out.writeIntLE(devMajor);
        out.writeIntLE(devMinor);
        out.writeZero(14 * 8);
    }

    private static void time(ByteBuf out, long sec, int nsec) {
        out.writeLongLE(sec);
        out.writeIntLE(nsec);
        out.writeIntLE(0);
    }

    public Statx readFrom(ByteBuf in, int i) {
        mask = in.getIntLE(i);
        blksize = in.getIntLE(i + 4);
        attributes = in.getLongLE(i + 8);
        nlink = in.getIntLE(i + 16);
        uid = in.getIntLE(i + 20);
        gid = in.getIntLE(i + 24);
        mode = in.getShortLE(i + 28) & 0xffff;
        ino = in.getLongLE(i + 32);
        size = in.getLongLE(i + 40);
        blocks = in.getLongLE(i + 48);
        attributesMask = in.getLongLE(i + 56);
        atimeSec = in.getLongLE(i + 64);
        atimeNsec = in.getIntLE(i + 72);
        btimeSec = in.getLongLE(i + 80);
        btimeNsec = in.getIntLE(i + 88);
        ctimeSec = in.getLongLE(i + 96);
        ctimeNsec = in.getIntLE(i + 104);
        mtimeSec = in.getLongLE(i + 112);
        mtimeNsec = in.getIntLE(i + 120);
        rdevMajor = in.getIntLE(i + 128);
        rdevMinor = in.getIntLE(i + 132);
        devMajor = in.getIntLE(i + 136);
        devMinor = in.getIntLE(i + 140);
        return this;
    }
}
