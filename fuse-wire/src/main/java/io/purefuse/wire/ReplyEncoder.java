package io.purefuse.wire;

import io.netty.buffer.ByteBuf;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.EntryOut;
import io.purefuse.wire.out.FileLock;
import io.purefuse.wire.out.StatfsOut;
import io.purefuse.wire.out.Statx;

/**
 * Writes complete replies (fuse_out_header + body) at the writer index of a caller-supplied
 * buffer; the header's len is patched when the body is written. Allocation free as long as the
 * buffer has room. Each method returns the number of bytes written.
 */
public final class ReplyEncoder {
    private ReplyEncoder() {
    }

    /** Starts a frame: writes a header with len 0, returns its index. */
    public static int begin(ByteBuf out, long unique, int error) {
        int start = out.writerIndex();
        out.writeIntLE(0);
        out.writeIntLE(error);
        out.writeLongLE(unique);
        return start;
    }

    /** Patches the len of the frame started at {@code start}; returns the frame length. */
    public static int finish(ByteBuf out, int start) {
        int len = out.writerIndex() - start;
        out.setIntLE(start, len);
        return len;
    }

    /** An error reply: header error = -errno (errno may be given with either sign; 0 = success, empty). */
    public static int error(ByteBuf out, long unique, int errno) {
        int e = errno > 0 ? -errno : errno;
        return finish(out, begin(out, unique, e));
    }

    /** Success with no body (SETXATTR, UNLINK, RELEASE, FLUSH, FSYNC, ...). */
    public static int empty(ByteBuf out, long unique) {
        return finish(out, begin(out, unique, 0));
    }

    /** fuse_entry_out (LOOKUP, MKNOD, MKDIR, SYMLINK, LINK); nodeid 0 is a cacheable negative entry. */
    public static int entry(ByteBuf out, long unique, EntryOut e, int minor) {
        int s = begin(out, unique, 0);
        e.writeTo(out, minor);
        return finish(out, s);
    }

    /** fuse_attr_out (GETATTR, SETATTR). */
    public static int attr(ByteBuf out, long unique, long attrValid, int attrValidNsec, Attr attr, int minor) {
        int s = begin(out, unique, 0);
        out.writeLongLE(attrValid);
        out.writeIntLE(attrValidNsec);
        out.writeIntLE(0);
        attr.writeTo(out, minor);
        return finish(out, s);
    }

    /** fuse_open_out (OPEN, OPENDIR); backingId is used with FOPEN_PASSTHROUGH, else 0. */
    public static int open(ByteBuf out, long unique, long fh, int openFlags, int backingId) {
        int s = begin(out, unique, 0);
        writeOpenOut(out, fh, openFlags, backingId);
        return finish(out, s);
    }

    private static void writeOpenOut(ByteBuf out, long fh, int openFlags, int backingId) {
        out.writeLongLE(fh);
        out.writeIntLE(openFlags);
        out.writeIntLE(backingId);
    }

    /** fuse_entry_out + fuse_open_out (CREATE, TMPFILE). */
    public static int create(ByteBuf out, long unique, EntryOut e, long fh, int openFlags, int minor) {
        return create(out, unique, e, fh, openFlags, 0, minor);
    }

    /** fuse_entry_out + fuse_open_out with a passthrough backing id. */
    public static int create(ByteBuf out, long unique, EntryOut e, long fh, int openFlags, int backingId, int minor) {
        int s = begin(out, unique, 0);
        e.writeTo(out, minor);
        writeOpenOut(out, fh, openFlags, backingId);
        return finish(out, s);
    }

    /** fuse_write_out (WRITE). */
    public static int write(ByteBuf out, long unique, int size) {
        int s = begin(out, unique, 0);
        out.writeIntLE(size);
        out.writeIntLE(0);
        return finish(out, s);
    }

    /** fuse_statfs_out (STATFS). */
    public static int statfs(ByteBuf out, long unique, StatfsOut st, int minor) {
        int s = begin(out, unique, 0);
        st.writeTo(out, minor);
        return finish(out, s);
    }

    /** fuse_getxattr_out: the size of a value or list, when the request's size was 0. */
    public static int xattrSize(ByteBuf out, long unique, int size) {
        int s = begin(out, unique, 0);
        out.writeIntLE(size);
        out.writeIntLE(0);
        return finish(out, s);
    }

    /** fuse_lk_out (GETLK). */
    public static int lock(ByteBuf out, long unique, FileLock lk) {
        int s = begin(out, unique, 0);
        lk.writeTo(out);
        return finish(out, s);
    }

    /** fuse_bmap_out (BMAP). */
    public static int bmap(ByteBuf out, long unique, long block) {
        int s = begin(out, unique, 0);
        out.writeLongLE(block);
        return finish(out, s);
    }

    /** fuse_poll_out (POLL). */
    public static int poll(ByteBuf out, long unique, int revents) {
        int s = begin(out, unique, 0);
        out.writeIntLE(revents);
        out.writeIntLE(0);
        return finish(out, s);
    }

    /** fuse_lseek_out (LSEEK). */
    public static int lseek(ByteBuf out, long unique, long offset) {
        int s = begin(out, unique, 0);
        out.writeLongLE(offset);
        return finish(out, s);
    }

    /**
     * COPY_FILE_RANGE answers fuse_write_out (u32 size, so at most 4 GiB - 1 per call);
     * COPY_FILE_RANGE_64 answers fuse_copy_file_range_out (u64 bytes_copied).
     */
    public static int copyFileRange(ByteBuf out, long unique, long bytesCopied, Opcode op) {
        int s = begin(out, unique, 0);
        if (op == Opcode.COPY_FILE_RANGE_64) {
            out.writeLongLE(bytesCopied);
        } else {
            if (bytesCopied < 0 || bytesCopied > 0xffffffffL) {
                throw new IllegalArgumentException("COPY_FILE_RANGE size exceeds u32: " + bytesCopied);
            }
            out.writeIntLE((int) bytesCopied);
            out.writeIntLE(0);
        }
        return finish(out, s);
    }

    /** fuse_statx_out (STATX). */
    public static int statx(ByteBuf out, long unique, long attrValid, int attrValidNsec, int flags, Statx stat) {
        int s = begin(out, unique, 0);
        out.writeLongLE(attrValid);
        out.writeIntLE(attrValidNsec);
        out.writeIntLE(flags);
        out.writeZero(16);
        stat.writeTo(out);
        return finish(out, s);
    }

    /** fuse_ioctl_out without data. */
    public static int ioctl(ByteBuf out, long unique, int result, int flags, int inIovs, int outIovs) {
        return ioctl(out, unique, result, flags, inIovs, outIovs, null);
    }

    /** fuse_ioctl_out followed by the readable bytes of {@code data} (may be null; not consumed). */
    public static int ioctl(ByteBuf out, long unique, int result, int flags, int inIovs, int outIovs, ByteBuf data) {
        int s = begin(out, unique, 0);
        out.writeIntLE(result);
        out.writeIntLE(flags);
        out.writeIntLE(inIovs);
        out.writeIntLE(outIovs);
        if (data != null) {
            out.writeBytes(data, data.readerIndex(), data.readableBytes());
        }
        return finish(out, s);
    }

    /**
     * Only the 16-byte header of a data reply, with len = 16 + dataLength, for a gather write of
     * header and data (READ, READDIR built elsewhere, READLINK, GETXATTR, LISTXATTR).
     */
    public static int dataHeader(ByteBuf out, long unique, int dataLength) {
        out.writeIntLE(Protocol.OUT_HEADER_SIZE + dataLength);
        out.writeIntLE(0);
        out.writeLongLE(unique);
        return Protocol.OUT_HEADER_SIZE;
    }

    /** A data reply with a copy of the readable bytes of {@code data} (not consumed). */
    public static int data(ByteBuf out, long unique, ByteBuf data) {
        int s = begin(out, unique, 0);
        out.writeBytes(data, data.readerIndex(), data.readableBytes());
        return finish(out, s);
    }

    /** A data reply with a copy of {@code data}. */
    public static int data(ByteBuf out, long unique, byte[] data) {
        return data(out, unique, data, 0, data.length);
    }

    /** A data reply with a copy of part of {@code data}. */
    public static int data(ByteBuf out, long unique, byte[] data, int offset, int length) {
        int s = begin(out, unique, 0);
        out.writeBytes(data, offset, length);
        return finish(out, s);
    }
}
