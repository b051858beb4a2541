package io.purefuse.vfs;

import static io.purefuse.vfs.VfsContext.UNBOUNDED_BLOCKS;
import static io.purefuse.vfs.VfsContext.UNBOUNDED_FILES;
import static io.purefuse.vfs.VfsContext.W_OK;
import static io.purefuse.vfs.VfsContext.fail;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.NotFoundException;
import io.purefuse.backend.RandomAccessFileHandle;
import io.purefuse.backend.SetAttributeOptions;
import io.purefuse.backend.SpaceInfo;
import io.purefuse.session.Request;
import io.purefuse.wire.Errno;
import io.purefuse.wire.SetattrValid;
import io.purefuse.wire.in.SetattrIn;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.StatfsOut;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Attributes: GETATTR, SETATTR (chmod, chown, utimens, truncate), ACCESS and STATFS. Sizes of
 * files being written sequentially come from their writer ({@link VfsContext#fillAttr}).
 */
final class AttrOps {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AttrOps.class);

    private final VfsContext ctx;
    private final FileSystemBackend backend;
    private final VfsOptions options;
    private final Set<Capability> caps;
    private final InodeTable table;
    private final MetadataCache metadata;
    private final Map<Long, FileHandle> handles;
    private final long attrNs;

    AttrOps(VfsContext ctx) {
        this.ctx = ctx;
        this.backend = ctx.backend();
        this.options = ctx.options();
        this.caps = ctx.caps();
        this.table = ctx.inodes();
        this.metadata = ctx.metadata();
        this.handles = ctx.handles();
        this.attrNs = ctx.attrNs();
    }

    void getattr(Request req, long nodeid, long fh) {
        try {
            Inode ino = ctx.inode(nodeid);
            FileStatus st;
            AlluxioPath path = table.pathOrNull(ino);
            if (path == null) {
                // Unlinked or replaced: its old name may be another file's now. Only an open
                // handle (fstat of an open, unlinked file) knows what it is.
                FileHandle h = ctx.handleOf(ino, fh);
                if (h == null) {
                    throw Errors.fail(Errno.ENOENT, ino + " was unlinked");
                }
                st = h.status();
            } else {
                try {
                    st = ctx.attrStatus(ino, path);
                } catch (NotFoundException e) {
                    FileHandle h = ctx.handleOf(ino, fh);
                    if (h == null || h.openStatus == null) {
                        throw e;
                    }
                    st = h.status(); // removed behind our back (in the store) while open
                }
            }
            Attr a = req.attr();
            ctx.fillAttr(a, ino, st);
            req.replyAttr(a, attrNs);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    void setattr(Request req, long nodeid, SetattrIn in) {
        try {
            ctx.checkWritable();
            Inode ino = ctx.inode(nodeid);
            int valid = in.valid();
            AlluxioPath path = table.pathOrNull(ino);
            if (path == null) {
                setattrDetached(req, ino, in);
                return;
            }
            FileStatus after = null;
            if ((valid & SetattrValid.FATTR_SIZE) != 0) {
                FileHandle h = (valid & SetattrValid.FATTR_FH) != 0 ? handles.get(in.fh()) : null;
                if (h != null && h.writable) {
                    h.truncate(in.size());
                } else {
                    truncatePath(ino, path, in.size());
                }
            }
            SetAttributeOptions.Builder b = SetAttributeOptions.builder();
            boolean any = false;
            if ((valid & SetattrValid.FATTR_MODE) != 0) {
                b.mode(in.mode() & 07777);
                any = true;
            }
            if ((valid & SetattrValid.FATTR_UID) != 0) {
                b.uid(Integer.toUnsignedLong(in.uid()));
                any = true;
            }
            if ((valid & SetattrValid.FATTR_GID) != 0) {
                b.gid(Integer.toUnsignedLong(in.gid()));
                any = true;
            }
            long now = -1;
            if ((valid & SetattrValid.FATTR_ATIME_NOW) != 0) {
                now = nowNs();
                b.atimeNs(now);
                any = true;
            } else if ((valid & SetattrValid.FATTR_ATIME) != 0) {
                b.atimeNs(in.atime() * 1_000_000_000L + in.atimensec());
                any = true;
            }
            if ((valid & SetattrValid.FATTR_MTIME_NOW) != 0) {
                b.mtimeNs(now >= 0 ? now : nowNs());
                any = true;
            } else if ((valid & SetattrValid.FATTR_MTIME) != 0) {
                b.mtimeNs(in.mtime() * 1_000_000_000L + in.mtimensec());
                any = true;
            }
            if (any) {
                metadata.invalidate(path);
                long v = metadata.version();
                after = VfsContext.checked(path, backend.setAttributes(path, b.build()));
                metadata.put(after, v);
            }
            if (after == null || (valid & SetattrValid.FATTR_SIZE) != 0) {
                metadata.invalidate(path);
                after = ctx.freshStatus(path);
            }
            Attr a = req.attr();
            ctx.fillAttr(a, ino, after);
            req.replyAttr(a, attrNs);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    /**
     * SETATTR of an unlinked or replaced inode: never by its old name (another file may have it
     * now). ftruncate through a write handle works on the handle; time updates that come with
     * it are dropped; anything else needs the name: ENOENT without a handle (fchmod, fchown,
     * futimens), ESTALE with one.
     */
    private void setattrDetached(Request req, Inode ino, SetattrIn in) throws BackendException {
        int valid = in.valid();
        FileHandle h = (valid & SetattrValid.FATTR_FH) != 0 ? ctx.handleOf(ino, in.fh()) : null;
        int needsName = SetattrValid.FATTR_MODE | SetattrValid.FATTR_UID | SetattrValid.FATTR_GID;
        if ((valid & SetattrValid.FATTR_SIZE) == 0 || (valid & needsName) != 0 || h == null) {
            throw Errors.fail(h == null ? Errno.ENOENT : Errno.ESTALE, ino + " was unlinked or replaced");
        }
        if (!h.writable) {
            throw Errors.fail(Errno.EBADF, "not open for writing");
        }
        if (in.size() < 0) {
            throw Errors.fail(Errno.EINVAL, "negative size");
        }
        h.truncate(in.size());
        Attr a = req.attr();
        ctx.fillAttr(a, ino, h.status());
        req.replyAttr(a, attrNs);
    }

    private static long nowNs() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** truncate(2) by path (no write handle). */
    private void truncatePath(Inode ino, AlluxioPath path, long size) throws BackendException {
        if (size < 0) {
            throw Errors.fail(Errno.EINVAL, "negative size");
        }
        FileHandle w;
        synchronized (ino) {
            w = ino.sequentialWriter;
        }
        if (w != null) {
            w.truncate(size);
            return;
        }
        FileStatus st = ctx.freshStatus(path);
        if (st.isDirectory()) {
            throw Errors.fail(Errno.EISDIR, "is a directory");
        }
        if (size == st.length()) {
            return;
        }
        if (size == 0) {
            ctx.truncateToZero(ino, path);
            return;
        }
        if (!options.randomAccess()) {
            LOG.warn("refused a truncate of {} to {} bytes: files are written sequentially by default; set {}=true "
                    + "to allow it", path, size, FuseConfig.RANDOM_ACCESS);
            throw Errors.fail(Errno.EOPNOTSUPP, "truncate to " + size + " needs " + FuseConfig.RANDOM_ACCESS + "=true");
        }
        metadata.invalidate(path);
        if (caps.contains(Capability.TRUNCATE)) {
            backend.truncate(path, size);
        } else {
            try (RandomAccessFileHandle raf = backend.openForRandomWrite(path)) {
                raf.truncate(size);
            }
        }
        metadata.invalidate(path);
    }

    void statfs(Request req, long nodeid) {
        try {
            Optional<SpaceInfo> space = caps.contains(Capability.SPACE_INFO) ? backend.getSpace() : Optional.empty();
            StatfsOut s = req.statfsOut();
            int bsize = 4096;
            if (space.isPresent()) {
                SpaceInfo sp = space.get();
                long blocks = sp.capacityBytes() / bsize;
                long free = Math.max(0, sp.capacityBytes() - sp.usedBytes()) / bsize;
                long avail = Math.max(0, sp.availableBytes()) / bsize;
                s.set(blocks, free, Math.min(avail, free), UNBOUNDED_FILES, UNBOUNDED_FILES, bsize, 255, bsize);
            } else {
                s.set(UNBOUNDED_BLOCKS, UNBOUNDED_BLOCKS, UNBOUNDED_BLOCKS, UNBOUNDED_FILES, UNBOUNDED_FILES,
                        bsize, 255, bsize);
            }
            req.replyStatfs(s);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    void access(Request req, long nodeid, int mask) {
        try {
            Inode ino = ctx.inode(nodeid);
            ctx.statusOrThrow(ctx.dirPath(ino));
            if ((mask & W_OK) != 0 && options.readOnly()) {
                throw Errors.fail(Errno.EROFS, "read-only mount");
            }
            req.replyOk();
        } catch (Throwable t) {
            fail(req, t);
        }
    }
}
