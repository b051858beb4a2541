package io.purefuse.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Writes notifications (fuse_out_header with unique 0 and error = notify code) at the writer
 * index of a caller buffer. Each method returns the number of bytes written. Names are sent
 * NUL-terminated, as the kernel requires.
 */
public final class NotifyEncoder {
    private NotifyEncoder() {
    }

    private static int begin(ByteBuf out, NotifyCode code) {
        return ReplyEncoder.begin(out, 0, code.code());
    }

    /** NOTIFY_POLL: wake up poll waiters on kernel handle {@code kh}. */
    public static int pollWakeup(ByteBuf out, long kh) {
        int s = begin(out, NotifyCode.POLL);
        out.writeLongLE(kh);
        return ReplyEncoder.finish(out, s);
    }

    /** NOTIFY_INVAL_INODE: off &lt; 0 invalidates attributes only; len &lt;= 0 means to the end. */
    public static int invalInode(ByteBuf out, long nodeid, long off, long len) {
        int s = begin(out, NotifyCode.INVAL_INODE);
        out.writeLongLE(nodeid);
        out.writeLongLE(off);
        out.writeLongLE(len);
        return ReplyEncoder.finish(out, s);
    }

    /** NOTIFY_INVAL_ENTRY (flags: Flags.EXPIRE_ONLY). */
    public static int invalEntry(ByteBuf out, long parent, byte[] name, int flags) {
        int s = begin(out, NotifyCode.INVAL_ENTRY);
        out.writeLongLE(parent);
        out.writeIntLE(name.length);
        out.writeIntLE(flags);
        out.writeBytes(name);
        out.writeByte(0);
        return ReplyEncoder.finish(out, s);
    }

    /** NOTIFY_INVAL_ENTRY with a UTF-8 encoded name. */
    public static int invalEntry(ByteBuf out, long parent, CharSequence name, int flags) {
        int s = begin(out, NotifyCode.INVAL_ENTRY);
        out.writeLongLE(parent);
        int lenIndex = out.writerIndex();
        out.writeIntLE(0);
        out.writeIntLE(flags);
        int n = ByteBufUtil.writeUtf8(out, name);
        out.setIntLE(lenIndex, n);
        out.writeByte(0);
        return ReplyEncoder.finish(out, s);
    }

    /** NOTIFY_DELETE: entry {@code name} of {@code parent} pointing to {@code child} was removed. */
    public static int delete(ByteBuf out, long parent, long child, byte[] name) {
        int s = begin(out, NotifyCode.DELETE);
        out.writeLongLE(parent);
        out.writeLongLE(child);
        out.writeIntLE(name.length);
        out.writeIntLE(0);
        out.writeBytes(name);
        out.writeByte(0);
        return ReplyEncoder.finish(out, s);
    }

    /** NOTIFY_DELETE with a UTF-8 encoded name. */
    public static int delete(ByteBuf out, long parent, long child, CharSequence name) {
        int s = begin(out, NotifyCode.DELETE);
        out.writeLongLE(parent);
        out.writeLongLE(child);
        int lenIndex = out.writerIndex();
        out.writeIntLE(0);
        out.writeIntLE(0);
        int n = ByteBufUtil.writeUtf8(out, name);
        out.setIntLE(lenIndex, n);
        out.writeByte(0);
        return ReplyEncoder.finish(out, s);
    }

    /**
     * NOTIFY_STORE header and fuse_notify_store_out only, with len counting {@code size} data
     * bytes the caller gathers after it.
     */
    public static int storeHeader(ByteBuf out, long nodeid, long offset, int size) {
        int s = out.writerIndex();
        out.writeIntLE(Protocol.OUT_HEADER_SIZE + Protocol.NOTIFY_STORE_SIZE + size);
        out.writeIntLE(NotifyCode.STORE.code());
        out.writeLongLE(0);
        out.writeLongLE(nodeid);
        out.writeLongLE(offset);
        out.writeIntLE(size);
        out.writeIntLE(0);
        return out.writerIndex() - s;
    }

    /** NOTIFY_STORE with a copy of the readable bytes of {@code data} (not consumed). */
    public static int store(ByteBuf out, long nodeid, long offset, ByteBuf data) {
        int s = begin(out, NotifyCode.STORE);
        out.writeLongLE(nodeid);
        out.writeLongLE(offset);
        out.writeIntLE(data.readableBytes());
        out.writeIntLE(0);
        out.writeBytes(data, data.readerIndex(), data.readableBytes());
        return ReplyEncoder.finish(out, s);
    }

    /** NOTIFY_RETRIEVE: the kernel answers with a NOTIFY_REPLY request whose unique is {@code notifyUnique}. */
    public static int retrieve(ByteBuf out, long notifyUnique, long nodeid, long offset, int size) {
        int s = begin(out, NotifyCode.RETRIEVE);
        out.writeLongLE(notifyUnique);
        out.writeLongLE(nodeid);
        out.writeLongLE(offset);
        out.writeIntLE(size);
        out.writeIntLE(0);
        return ReplyEncoder.finish(out, s);
    }

    /** NOTIFY_RESEND: ask the kernel to resend every pending request (no body). */
    public static int resend(ByteBuf out) {
        return ReplyEncoder.finish(out, begin(out, NotifyCode.RESEND));
    }

    /** NOTIFY_INC_EPOCH: invalidate every cached dentry at once (no body). */
    public static int incEpoch(ByteBuf out) {
        return ReplyEncoder.finish(out, begin(out, NotifyCode.INC_EPOCH));
    }

    /** NOTIFY_PRUNE: ask the kernel to drop unused inodes (fuse_notify_prune_out + count u64 nodeids). */
    public static int prune(ByteBuf out, long[] nodeids, int count) {
        int s = begin(out, NotifyCode.PRUNE);
        out.writeIntLE(count);
        out.writeIntLE(0);
        out.writeLongLE(0);
        for (int i = 0; i < count; i++) {
            out.writeLongLE(nodeids[i]);
        }
        return ReplyEncoder.finish(out, s);
    }
}
