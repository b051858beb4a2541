package io.purefuse.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.purefuse.wire.out.EntryOut;

/**
 * Packs a READDIR (fuse_dirent) or READDIRPLUS (fuse_direntplus) reply into a buffer, entry by
 * entry, refusing an entry that would not fit in the request's size. Reusable, not thread safe:
 * {@link #begin}, any number of {@code add}, {@link #finish}.
 */
public final class DirentPacker {
    private ByteBuf out;
    private int start;
    private int payloadStart;
    private int maxSize;
    private boolean plus;
    private int minor;
    private int count;

    /**
     * Starts a reply in {@code out} at its writer index.
     *
     * @param maxSize the READDIR request's size: the most dirent bytes the kernel accepts
     */
    public DirentPacker begin(ByteBuf out, long unique, int maxSize, boolean plus, int minor) {
        this.out = out;
        this.start = ReplyEncoder.begin(out, unique, 0);
        this.payloadStart = out.writerIndex();
        this.maxSize = maxSize;
        this.plus = plus;
        this.minor = minor;
        this.count = 0;
        return this;
    }

    public int count() {
        return count;
    }

    /** Dirent bytes written so far. */
    public int size() {
        return out.writerIndex() - payloadStart;
    }

    public boolean isPlus() {
        return plus;
    }

    /** Patches the header and returns the frame length. */
    public int finish() {
        return ReplyEncoder.finish(out, start);
    }

    private boolean fits(int nameLength) {
        int need = plus ? Protocol.direntplusSize(nameLength, minor) : Protocol.direntSize(nameLength);
        return (long) size() + need <= maxSize;
    }

    private void checkPlain() {
        if (plus) {
            throw new IllegalStateException("READDIRPLUS packer: use addPlus");
        }
    }

    private void checkPlus() {
        if (!plus) {
            throw new IllegalStateException("READDIR packer: use add");
        }
    }

    private void header(long ino, long off, int nameLength, int type) {
        out.writeLongLE(ino);
        out.writeLongLE(off);
        out.writeIntLE(nameLength);
        out.writeIntLE(type);
    }

    private void pad(int nameLength) {
        int p = Protocol.align8(nameLength) - nameLength;
        if (p != 0) {
            out.writeZero(p);
        }
        count++;
    }

    /** Adds a fuse_dirent; {@code type} is DT_* (mode &gt;&gt; 12 &amp; 15). False (nothing written) when it does not fit. */
    public boolean add(long ino, long off, int type, byte[] name) {
        checkPlain();
        if (!fits(name.length)) {
            return false;
        }
        header(ino, off, name.length, type);
        out.writeBytes(name);
        pad(name.length);
        return true;
    }

    /** Adds a fuse_dirent with a name of {@code length} bytes at {@code index} of {@code name}. */
    public boolean add(long ino, long off, int type, ByteBuf name, int index, int length) {
        checkPlain();
        if (!fits(length)) {
            return false;
        }
        header(ino, off, length, type);
        out.writeBytes(name, index, length);
        pad(length);
        return true;
    }

    /** Adds a fuse_dirent with a UTF-8 encoded name. */
    public boolean add(long ino, long off, int type, CharSequence name) {
        checkPlain();
        int length = ByteBufUtil.utf8Bytes(name);
        if (!fits(length)) {
            return false;
        }
        int h = out.writerIndex();
        header(ino, off, length, type);
        int written = ByteBufUtil.writeUtf8(out, name);
        out.setIntLE(h + 16, written);
        pad(written);
        return true;
    }

    private void entry(EntryOut e, long off, int nameLength) {
        e.writeTo(out, minor);
        header(e.attr().ino, off, nameLength, (e.attr().mode >>> 12) & 15);
    }

    /** Adds a fuse_direntplus (dirent ino and type come from the entry's attr). */
    public boolean addPlus(EntryOut e, long off, byte[] name) {
        checkPlus();
        if (!fits(name.length)) {
            return false;
        }
        entry(e, off, name.length);
        out.writeBytes(name);
        pad(name.length);
        return true;
    }

    /** Adds a fuse_direntplus with a name of {@code length} bytes at {@code index} of {@code name}. */
    public boolean addPlus(EntryOut e, long off, ByteBuf name, int index, int length) {
        checkPlus();
        if (!fits(length)) {
            return false;
        }
        entry(e, off, length);
        out.writeBytes(name, index, length);
        pad(length);
        return true;
    }

    /** Adds a fuse_direntplus with a UTF-8 encoded name. */
    public boolean addPlus(EntryOut e, long off, CharSequence name) {
        checkPlus();
        int length = ByteBufUtil.utf8Bytes(name);
        if (!fits(length)) {
            return false;
        }
        entry(e, off, length);
        int h = out.writerIndex() - Protocol.DIRENT_HEADER_SIZE;
        int written = ByteBufUtil.writeUtf8(out, name);
        out.setIntLE(h + 16, written);
        pad(written);
        return true;
    }
}
