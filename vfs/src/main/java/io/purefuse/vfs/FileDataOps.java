package io.purefuse.vfs;

import static io.purefuse.vfs.VfsContext.O_DIRECT;
import static io.purefuse.vfs.VfsContext.fail;

import io.netty.buffer.ByteBuf;
import io.purefuse.session.Request;
import io.purefuse.wire.Errno;
import java.nio.ByteBuffer;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File data on open handles: READ, WRITE, FLUSH, FSYNC and RELEASE. */
final class FileDataOps {
    private static final Logger LOG = LoggerFactory.getLogger(FileDataOps.class);

    private final VfsContext ctx;
    private final Map<Long, FileHandle> handles;

    FileDataOps(VfsContext ctx) {
        this.ctx = ctx;
        this.handles = ctx.handles();
    }

    private FileHandle handle(long fh) {
        FileHandle h = handles.get(fh);
        if (h == null) {
            lostWriter(fh);
            throw Errors.fail(Errno.EBADF, "unknown file handle " + fh);
        }
        return h;
    }

    void read(Request req, long nodeid, long fh, long offset, int size, int flags) {
        ByteBuf buf = null;
        try {
            FileHandle h = handle(fh);
            if (offset < 0) {
                throw Errors.fail(Errno.EINVAL, "negative offset");
            }
            buf = req.alloc().directBuffer(size, size);
            ByteBuffer dst = buf.internalNioBuffer(0, size); // no view object per READ
            int n = h.read(offset, dst);
            buf.writerIndex(n);
            ByteBuf b = buf;
            buf = null;
            req.replyData(b);
        } catch (Throwable t) {
            if (buf != null) {
                buf.release();
            }
            fail(req, t);
        }
    }

    void write(Request req, long nodeid, long fh, long offset, ByteBuf data, int writeFlags, int flags) {
        try {
            ctx.checkWritable();
            FileHandle h = handle(fh);
            if (!h.writable) {
                throw Errors.fail(Errno.EBADF, "not open for writing");
            }
            if (offset < 0) {
                throw Errors.fail(Errno.EINVAL, "negative offset");
            }
            h.write(req, offset, data, (flags & O_DIRECT) != 0);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    void flush(Request req, long nodeid, long fh, long lockOwner) {
        try {
            FileHandle h = handles.get(fh);
            if (h != null) {
                h.flush(req.pid());
            } else {
                lostWriter(fh);
            }
            req.replyOk();
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    /** A writer that died with a previous server: what it had written may be lost, so say so. */
    private void lostWriter(long fh) {
        if (ctx.lostWriters().contains(fh)) {
            throw Errors.fail(Errno.EIO, "file handle " + fh + " was writing when its server died; data may be lost");
        }
    }

    void release(Request req, long nodeid, long fh, int flags, int releaseFlags, long lockOwner) {
        ctx.releaseLost(fh);
        FileHandle h = handles.remove(fh);
        try {
            if (h != null) {
                h.release();
            }
        } catch (Throwable t) {
            LOG.warn("completing {} failed: {}", h, t.getMessage());
        }
        req.replyOk();
    }

    void fsync(Request req, long nodeid, long fh, boolean datasync) {
        try {
            FileHandle h = handles.get(fh);
            if (h != null) {
                h.fsync();
            } else {
                lostWriter(fh);
            }
            req.replyOk();
        } catch (Throwable t) {
            fail(req, t);
        }
    }
}
