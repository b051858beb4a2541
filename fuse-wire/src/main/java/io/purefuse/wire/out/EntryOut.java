package io.purefuse.wire.out;

import io.netty.buffer.ByteBuf;
import io.purefuse.wire.Protocol;
import java.time.Duration;

/** fuse_entry_out: a mutable, reusable value (LOOKUP, MKNOD, MKDIR, SYMLINK, LINK, CREATE...). */
public final class EntryOut {
    private static final long NANOS = 1_000_000_000L;

    public long nodeid;
    public long generation;
    public long entryValid;
    public int entryValidNsec;
    public long attrValid;
    public int attrValidNsec;
    private final Attr attr = new Attr();

    public Attr attr() {
        return attr;
    }

    public EntryOut clear() {
        nodeid = generation = entryValid = attrValid = 0;
        entryValidNsec = attrValidNsec = 0;
        attr.clear();
        return this;
    }

    public EntryOut nodeid(long v) { nodeid = v; return this; }
    public EntryOut generation(long v) { generation = v; return this; }

    public EntryOut entryValid(long sec, int nsec) {
        entryValid = sec;
        entryValidNsec = nsec;
        return this;
    }

    public EntryOut attrValid(long sec, int nsec) {
        attrValid = sec;
        attrValidNsec = nsec;
        return this;
    }

    /** Entry timeout in nanoseconds (negative counts as 0). */
    public EntryOut entryValidNanos(long nanos) {
        long n = Math.max(nanos, 0);
        return entryValid(n / NANOS, (int) (n % NANOS));
    }

    /** Attribute timeout in nanoseconds (negative counts as 0). */
    public EntryOut attrValidNanos(long nanos) {
        long n = Math.max(nanos, 0);
        return attrValid(n / NANOS, (int) (n % NANOS));
    }

    public EntryOut entryValid(Duration d) {
        return d.isNegative() ? entryValid(0, 0) : entryValid(d.getSeconds(), d.getNano());
    }

    public EntryOut attrValid(Duration d) {
        return d.isNegative() ? attrValid(0, 0) : attrValid(d.getSeconds(), d.getNano());
    }

    /** Writes fuse_entry_out (128 bytes, 120 before 7.9). */
    public void writeTo(ByteBuf out, int minor) {
        out.writeLongLE(nodeid);
        out.writeLongLE(generation);
        out.writeLongLE(entryValid);
        out.writeLongLE(attrValid);
        out.writeIntLE(entryValidNsec);
        out.writeIntLE(attrValidNsec);
        attr.writeTo(out, minor);
    }

    /** Reads fuse_entry_out at an absolute index (test and debug use). */
    public EntryOut readFrom(ByteBuf in, int index, int minor) {
        nodeid = in.getLongLE(index);
        generation = in.getLongLE(index + 8);
        entryValid = in.getLongLE(index + 16);
        attrValid = in.getLongLE(index + 24);
        entryValidNsec = in.getIntLE(index + 32);
        attrValidNsec = in.getIntLE(index + 36);
        attr.readFrom(in, index + 40, minor);
        return this;
    }

    public static int size(int minor) {
        return Protocol.entryOutSize(minor);
    }
}
