package io.purefuse.vfs;

import static io.purefuse.vfs.VfsContext.S_IFMT;
import static io.purefuse.vfs.VfsContext.S_IFREG;
import static io.purefuse.vfs.VfsContext.fail;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.AlreadyExistsException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.RenameOptions;
import io.purefuse.session.Request;
import io.purefuse.wire.Errno;
import io.purefuse.wire.Flags;
import io.purefuse.wire.out.EntryOut;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Names: LOOKUP, FORGET, READLINK and the requests that add, remove or move a name (SYMLINK,
 * MKNOD, MKDIR, UNLINK, RMDIR, RENAME/RENAME2, LINK). Every path is built from a known
 * directory one validated name at a time ({@link VfsContext#child}).
 */
final class NamespaceOps {
    private final VfsContext ctx;
    private final FileSystemBackend backend;
    private final VfsOptions options;
    private final Set<Capability> caps;
    private final InodeTable table;
    private final MetadataCache metadata;
    private final long negativeNs;

    NamespaceOps(VfsContext ctx) {
        this.ctx = ctx;
        this.backend = ctx.backend();
        this.options = ctx.options();
        this.caps = ctx.caps();
        this.table = ctx.inodes();
        this.metadata = ctx.metadata();
        this.negativeNs = ctx.negativeNs();
    }

    void lookup(Request req, long parent, String name) {
        try {
            Inode p = ctx.inode(parent);
            for (int attempt = 0; ; attempt++) {
                // Not while this name is being renamed or removed (see InodeTable#beginChange).
                long token = table.awaitName(p, name);
                AlluxioPath path = ctx.child(ctx.dirPath(p), name);
                Inode known = table.find(p, name);
                if (known != null && PassthroughOpens.writingThrough(known)) {
                    metadata.invalidate(path); // the kernel writes it directly: a cached size is stale
                }
                FileStatus st = ctx.cachedStatus(path);
                if (st == null) {
                    if (negativeNs > 0) {
                        EntryOut e = req.entry();
                        e.nodeid(0).entryValidNanos(negativeNs);
                        req.replyEntry(e);
                    } else {
                        req.replyError(Errno.ENOENT);
                    }
                    return;
                }
                // A change that began after the status was read may have moved the name on.
                Inode c = attempt < 3 ? table.lookupIfUnchanged(p, name, token) : table.lookup(p, name);
                if (c != null) {
                    ctx.replyEntry(req, c, st);
                    return;
                }
            }
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    void forget(long nodeid, long nlookup) {
        table.forget(nodeid, nlookup);
    }

    void readlink(Request req, long nodeid) {
        try {
            Inode ino = ctx.inode(nodeid);
            String target = backend.readSymlink(table.path(ino));
            byte[] b = target.getBytes(StandardCharsets.UTF_8);
            req.replyData(b, 0, b.length);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    void symlink(Request req, long parent, String name, String target) {
        try {
            ctx.checkWritable();
            if (!options.symlinks()) {
                throw Errors.fail(Errno.EOPNOTSUPP, "symlinks are disabled (alluxio.fuse.symlink.enabled=false)");
            }
            Inode p = ctx.inode(parent);
            AlluxioPath path = ctx.child(ctx.dirPath(p), name);
            CreateOptions co = CreateOptions.builder().uid(req.uid()).gid(req.gid()).build();
            metadata.invalidateWithParent(path);
            FileStatus st = VfsContext.checked(path, backend.createSymlink(path, target, co));
            metadata.invalidateWithParent(path);
            ctx.replyEntry(req, p, name, st);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    void mknod(Request req, long parent, String name, int mode, int rdev, int umask) {
        try {
            int type = mode & S_IFMT;
            if (type != 0 && type != S_IFREG) {
                throw Errors.fail(Errno.EPERM, "only regular files can be created with mknod");
            }
            ctx.checkWritable();
            Inode p = ctx.inode(parent);
            AlluxioPath path = ctx.child(ctx.dirPath(p), name);
            metadata.invalidateWithParent(path);
            FileOutStream out = backend.createFile(path, ctx.createOptions(req, mode, umask));
            out.close();
            metadata.invalidateWithParent(path);
            ctx.replyEntry(req, p, name, ctx.freshStatus(path));
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    void mkdir(Request req, long parent, String name, int mode, int umask) {
        try {
            ctx.checkWritable();
            Inode p = ctx.inode(parent);
            AlluxioPath path = ctx.child(ctx.dirPath(p), name);
            metadata.invalidateWithParent(path);
            FileStatus st;
            try {
                st = VfsContext.checked(path, backend.createDirectory(path, ctx.createOptions(req, mode, umask)));
                CrashPoint.after("mkdir", name);
            } catch (AlreadyExistsException e) {
                st = resentAndDone(req, path, true);
                if (st == null) {
                    throw e;
                }
            }
            metadata.invalidateWithParent(path);
            ctx.replyEntry(req, p, name, st);
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    /**
     * A request the kernel resent after a takeover (bit 63 of its unique) that the dead server
     * may have carried out already: a MKDIR that finds its directory, an UNLINK or RMDIR that
     * finds nothing, a RENAME whose source is gone and target is there are taken as done (the
     * kernel read them from the predecessor a moment ago; another client doing the same thing
     * in that moment is the only way to be wrong). Returns the status to answer with, or null.
     */
    private FileStatus resentAndDone(Request req, AlluxioPath path, boolean wantDirectory) {
        if (req.unique() >= 0) {
            return null;
        }
        try {
            FileStatus st = ctx.freshStatus(path);
            return st.isDirectory() == wantDirectory ? st : null;
        } catch (Exception e) {
            return null;
        }
    }

    private boolean resentAndGone(Request req, AlluxioPath path) {
        if (req.unique() >= 0) {
            return false;
        }
        try {
            return !backend.exists(path);
        } catch (Exception e) {
            return false;
        }
    }

    void unlink(Request req, long parent, String name) {
        try {
            ctx.checkWritable();
            Inode p = ctx.inode(parent);
            AlluxioPath path = ctx.child(ctx.dirPath(p), name);
            if (resentAndGone(req, path)) {
                metadata.invalidateWithParent(path);
                table.remove(p, name);
                req.replyOk();
                return;
            }
            FileStatus st = ctx.freshStatus(path);
            if (st.isDirectory()) {
                throw Errors.fail(Errno.EISDIR, "unlink of a directory");
            }
            metadata.invalidateWithParent(path);
            InodeTable.Change change = table.beginChange(p, name, null, null);
            try {
                backend.delete(path, false);
                metadata.invalidateWithParent(path);
                table.remove(p, name);
            } finally {
                table.endChange(change);
            }
            CrashPoint.after("unlink", name);
            req.replyOk();
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    void rmdir(Request req, long parent, String name) {
        try {
            ctx.checkWritable();
            Inode p = ctx.inode(parent);
            AlluxioPath path = ctx.child(ctx.dirPath(p), name);
            if (resentAndGone(req, path)) {
                metadata.invalidateTree(path);
                table.remove(p, name);
                req.replyOk();
                return;
            }
            FileStatus st = ctx.freshStatus(path);
            if (!st.isDirectory()) {
                throw Errors.fail(Errno.ENOTDIR, "rmdir of a non-directory");
            }
            metadata.invalidateTree(path);
            InodeTable.Change change = table.beginChange(p, name, null, null);
            try {
                backend.delete(path, false);
                metadata.invalidateTree(path);
                table.remove(p, name);
            } finally {
                table.endChange(change);
            }
            req.replyOk();
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    void rename(Request req, long parent, String name, long newParent, String newName, int flags) {
        try {
            ctx.checkWritable();
            if ((flags & ~(Flags.RENAME_NOREPLACE | Flags.RENAME_EXCHANGE)) != 0
                    || flags == (Flags.RENAME_NOREPLACE | Flags.RENAME_EXCHANGE)) {
                throw Errors.fail(Errno.EINVAL, "unsupported rename flags 0x" + Integer.toHexString(flags));
            }
            boolean exchange = (flags & Flags.RENAME_EXCHANGE) != 0;
            boolean noReplace = (flags & Flags.RENAME_NOREPLACE) != 0;
            if (exchange && !caps.contains(Capability.RENAME_EXCHANGE)) {
                throw Errors.fail(Errno.EINVAL, "RENAME_EXCHANGE is not supported by " + backend.describe());
            }
            Inode p = ctx.inode(parent);
            Inode np = ctx.inode(newParent);
            AlluxioPath src = ctx.child(ctx.dirPath(p), name);
            AlluxioPath dst = ctx.child(ctx.dirPath(np), newName);
            if (!exchange && !src.equals(dst) && resentAndGone(req, src) && backend.exists(dst)) {
                // Resent after a takeover and already done by the previous server.
                metadata.invalidateTree(src);
                metadata.invalidateTree(dst);
                table.rename(p, name, np, newName);
                req.replyOk();
                return;
            }
            RenameOptions ro = RenameOptions.fromFlags(flags);
            if (noReplace && !caps.contains(Capability.RENAME_NOREPLACE)) {
                if (backend.exists(dst)) {
                    throw new AlreadyExistsException(dst.toString(), "target exists", null);
                }
                ro = RenameOptions.defaults();
            }
            metadata.invalidateTree(src);
            metadata.invalidateTree(dst);
            // Mark both names before the store changes and update the table before unmarking:
            // nobody resolves the old name in between (see InodeTable#beginChange).
            InodeTable.Change change = table.beginChange(p, name, np, newName);
            try {
                if (!src.equals(dst)) {
                    backend.rename(src, dst, ro);
                }
                metadata.invalidateTree(src);
                metadata.invalidateTree(dst);
                if (exchange) {
                    table.exchange(p, name, np, newName);
                } else if (!src.equals(dst)) {
                    table.rename(p, name, np, newName);
                }
            } finally {
                table.endChange(change);
            }
            CrashPoint.after("rename", name);
            req.replyOk();
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    void link(Request req, long nodeid, long newParent, String newName) {
        req.replyError(options.readOnly() ? Errno.EROFS : Errno.EPERM);
    }
}
