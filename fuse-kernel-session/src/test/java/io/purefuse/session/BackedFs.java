package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import io.purefuse.mount.LibC;
import io.purefuse.mount.Native;
import io.purefuse.wire.Errno;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.EntryOut;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A root directory holding "f", whose content is a real file (the backing file). OPEN answers
 * with a passthrough backing file when the session offers one; READ and WRITE serve the backing
 * file themselves (and are counted) for opens that did not get one.
 */
final class BackedFs implements LowLevelFilesystem {
    static final long F = 2;

    enum IdPolicy {
        /** Close the id as soon as the OPEN reply reached the kernel. */
        CLOSE_AFTER_REPLY,
        /** One id per open, closed only by {@link #closeIds()}. */
        MANUAL,
        /** One id per open, closed at RELEASE. */
        PER_OPEN,
        /** One id shared by all concurrent opens, closed at the last RELEASE. */
        SHARED
    }

    final Path backing;
    volatile IdPolicy policy = IdPolicy.SHARED;
    /** Answer opens with passthrough at all. */
    volatile boolean offer = true;
    /** Register this fd instead of opening the backing file (to provoke a refusal). */
    volatile int fakeFd = -1;
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger passthroughOpens = new AtomicInteger();
    private final Map<Long, BackingFile> byFh = new ConcurrentHashMap<>();
    private final AtomicInteger nextFh = new AtomicInteger(1);
    private BackingFile shared;
    private int sharedUsers;

    BackedFs(Path backing) {
        this.backing = backing;
    }

    private void fill(Attr a, long ino) {
        a.ino(ino);
        if (ino == 1) {
            a.mode(0040755).nlink(2);
        } else {
            a.mode(0100644).nlink(1).size(backing.toFile().length());
        }
        a.blksize(4096);
    }

    @Override
    public void lookup(Request req, long parent, String name) {
        if (parent != 1 || !name.equals("f")) {
            req.replyError(Errno.ENOENT);
            return;
        }
        EntryOut e = req.entry();
        e.nodeid(F).generation(1);
        fill(e.attr(), F);
        req.replyEntry(e);
    }

    @Override
    public void getattr(Request req, long nodeid, long fh) {
        Attr a = req.attr();
        fill(a, nodeid);
        req.replyAttr(a, 0);
    }

    private BackingFile register(Passthrough p, int flags) {
        int fd = fakeFd;
        boolean own = fd < 0;
        if (own) {
            fd = Native.libc().open(backing.toString(), (flags & 3) | LibC.O_CLOEXEC, 0);
            if (fd < 0) {
                return null;
            }
        }
        try {
            return p.register(fd);
        } finally {
            if (own) {
                Native.libc().close(fd); // the kernel holds its own reference
            }
        }
    }

    @Override
    public void open(Request req, long nodeid, int flags) {
        opens.incrementAndGet();
        long fh = nextFh.getAndIncrement();
        Passthrough p = offer ? req.passthrough() : null;
        BackingFile b = null;
        if (p != null) {
            if (policy == IdPolicy.SHARED) {
                synchronized (this) {
                    if (shared == null) {
                        shared = register(p, flags);
                    }
                    if (shared != null) {
                        sharedUsers++;
                        b = shared;
                    }
                }
            } else {
                b = register(p, flags);
            }
        }
        if (b != null) {
            passthroughOpens.incrementAndGet();
            byFh.put(fh, b);
        }
        boolean sent = req.replyOpen(fh, 0, b);
        if (b != null && (!sent || policy == IdPolicy.CLOSE_AFTER_REPLY)) {
            dropId(fh);
        }
    }

    private void dropId(long fh) {
        BackingFile b = byFh.remove(fh);
        if (b == null) {
            return;
        }
        if (policy == IdPolicy.SHARED) {
            synchronized (this) {
                if (--sharedUsers == 0) {
                    shared = null;
                    b.close();
                }
            }
        } else {
            b.close();
        }
    }

    @Override
    public void read(Request req, long nodeid, long fh, long offset, int size, int flags) {
        reads.incrementAndGet();
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "r")) {
            int n = (int) Math.max(0, Math.min(size, f.length() - offset));
            byte[] b = new byte[n];
            f.seek(offset);
            f.readFully(b);
            req.replyData(b, 0, n);
        } catch (IOException e) {
            req.replyError(Errno.EIO);
        }
    }

    @Override
    public void write(Request req, long nodeid, long fh, long offset, ByteBuf data, int writeFlags, int flags) {
        writes.incrementAndGet();
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            byte[] b = new byte[data.readableBytes()];
            data.getBytes(data.readerIndex(), b);
            f.seek(offset);
            f.write(b);
            req.replyWrite(b.length);
        } catch (IOException e) {
            req.replyError(Errno.EIO);
        }
    }

    /** Closes every id still registered (MANUAL policy). */
    void closeIds() {
        for (Long fh : byFh.keySet()) {
            dropId(fh);
        }
    }

    @Override
    public void release(Request req, long nodeid, long fh, int flags, int releaseFlags, long lockOwner) {
        if (policy != IdPolicy.MANUAL) {
            dropId(fh);
        }
        req.replyOk();
    }

    @Override
    public void readdir(Request req, long nodeid, long fh, long offset, int size) {
        DirectoryReply d = req.directoryReply(size);
        String[] names = {".", "..", "f"};
        long[] inos = {1, 1, F};
        for (int i = (int) offset; i < names.length; i++) {
            if (!d.add(names[i], inos[i], i < 2 ? 4 : 8, i + 1)) {
                break;
            }
        }
        d.send();
    }
}
