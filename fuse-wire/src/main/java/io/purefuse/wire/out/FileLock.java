package io.purefuse.wire.out;

import io.netty.buffer.ByteBuf;

/** fuse_file_lock: a mutable, reusable value (GETLK reply). type is F_RDLCK 0, F_WRLCK 1, F_UNLCK 2. */
public final class FileLock {
    public static final int F_RDLCK = 0;
    public static final int F_WRLCK = 1;
    public static final int F_UNLCK = 2;

    public long start;
    public long end;
    public int type;
    public int pid;

    public FileLock set(long start, long end, int type, int pid) {
        this.start = start;
        this.end = end;
        this.type = type;
        this.pid = pid;
        return this;
    }

    public FileLock clear() {
        return set(0, 0, 0, 0);
    }

    public void writeTo(ByteBuf out) {
        out.writeLongLE(start);
        out.writeLongLE(end);
        out.writeIntLE(type);
        out.writeIntLE(pid);
    }

    public FileLock readFrom(ByteBuf in, int index) {
        return set(in.getLongLE(index), in.getLongLE(index + 8), in.getIntLE(index + 16),
            in.getIntLE(index + 20));
    }
}
