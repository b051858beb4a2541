package io.purefuse.vfs;

import static io.purefuse.vfs.VfsContext.S_IFDIR;
import static io.purefuse.vfs.VfsContext.fail;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.session.DirectoryReply;
import io.purefuse.session.Request;
import io.purefuse.wire.Errno;
import io.purefuse.wire.out.EntryOut;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Directory streams: OPENDIR, READDIR, READDIRPLUS (with lookup counts), RELEASEDIR, FSYNCDIR. */
final class DirectoryOps {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryOps.class);

    private final VfsContext ctx;
    private final FileSystemBackend backend;
    private final InodeTable table;
    private final MetadataCache metadata;
    private final Map<Long, DirHandle> dirs;
    private final long entryNs;
    private final long attrNs;

    DirectoryOps(VfsContext ctx) {
        this.ctx = ctx;
        this.backend = ctx.backend();
        this.table = ctx.inodes();
        this.metadata = ctx.metadata();
        this.dirs = ctx.dirs();
        this.entryNs = ctx.entryNs();
        this.attrNs = ctx.attrNs();
    }

    void opendir(Request req, long nodeid, int flags) {
        try {
            Inode ino = ctx.inode(nodeid);
            AlluxioPath path = table.pathOrNull(ino);
            // A removed directory (still someone's working directory) opens and lists empty.
            if (path != null) {
                FileStatus st = ctx.statusOrThrow(path);
                if (!st.isDirectory()) {
                    throw Errors.fail(Errno.ENOTDIR, "not a directory");
                }
            }
            long fh = ctx.nextFh();
            DirHandle d = new DirHandle(fh, ino, backend);
            dirs.put(fh, d);
            if (!req.replyOpen(fh, 0)) {
                // Interrupted or timed out: the kernel will never RELEASEDIR it.
                if (dirs.remove(fh) != null) {
                    synchronized (d) {
                        d.close();
                    }
                }
            }
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    void readdir(Request req, long nodeid, long fh, long offset, int size) {
        listDirectory(req, fh, offset, size, false);
    }

    void readdirplus(Request req, long nodeid, long fh, long offset, int size) {
        listDirectory(req, fh, offset, size, true);
    }

    private void listDirectory(Request req, long fh, long offset, int size, boolean plus) {
        try {
            DirHandle d = dirs.get(fh);
            if (d == null) {
                throw Errors.fail(Errno.EBADF, "unknown directory handle " + fh);
            }
            synchronized (d) {
                DirectoryReply r = req.directoryReply(size);
                List<Long> counted = plus ? new ArrayList<>() : null;
                try {
                    fillDirectory(req, r, d, offset, counted);
                } catch (Throwable t) {
                    if (r.count() == 0) {
                        undoLookups(counted);
                        throw t;
                    }
                    // Send what we have; the error shows up at the next READDIR.
                    LOG.debug("listing failed after {} entries: {}", r.count(), t.toString());
                }
                if (!r.send()) {
                    undoLookups(counted); // interrupted: the kernel counted none of them
                }
            }
        } catch (Throwable t) {
            fail(req, t);
        }
    }

    private void undoLookups(List<Long> counted) {
        if (counted != null) {
            for (long nodeid : counted) {
                table.forget(nodeid, 1);
            }
        }
    }

    /** Fills one READDIR(PLUS) reply; {@code counted} (READDIRPLUS only) collects the nodeids whose lookup count grew. */
    private void fillDirectory(Request req, DirectoryReply r, DirHandle d, long offset, List<Long> counted)
            throws BackendException {
        boolean plus = counted != null;
        Inode dir = d.inode;
        if (offset == 0 && !addDot(req, r, ".", dir, 1, plus)) {
            return;
        }
        if (offset <= 1) {
            Inode parent = table.parentOf(dir);
            if (!addDot(req, r, "..", parent == null ? dir : parent, 2, plus)) {
                return;
            }
        }
        AlluxioPath dirPath = table.pathOrNull(dir);
        if (dirPath == null) {
            return; // removed: never list whatever took its name
        }
        d.seek(dirPath, Math.max(0, offset - DirHandle.FIRST_ENTRY_COOKIE));
        long v = metadata.version();
        while (true) {
            FileStatus st = d.next();
            if (st == null) {
                return;
            }
            long cookie = d.cookieAfterLast();
            String name = st.name();
            if (plus) {
                Inode c = table.lookup(dir, name);
                EntryOut e = req.entry();
                e.nodeid(c.nodeid).entryValidNanos(entryNs).attrValidNanos(attrNs);
                ctx.fillAttr(e.attr(), c, st);
                if (!r.addPlus(name, e, cookie)) {
                    table.forget(c.nodeid, 1);
                    d.pushBack(st);
                    return;
                }
                counted.add(c.nodeid);
            } else {
                Inode known = table.find(dir, name);
                if (!r.add(name, ctx.direntIno(known, st), (st.stMode() >> 12) & 15, cookie)) {
                    d.pushBack(st);
                    return;
                }
            }
            metadata.put(st, v);
        }
    }

    private boolean addDot(Request req, DirectoryReply r, String name, Inode ino, long cookie, boolean plus) {
        long inoNum = ino.nodeid;
        if (plus) {
            EntryOut e = req.entry();
            e.attr().ino(inoNum).mode(S_IFDIR | 0755);
            return r.addPlus(name, e, cookie);
        }
        return r.add(name, inoNum, S_IFDIR >> 12, cookie);
    }

    void releasedir(Request req, long nodeid, long fh, int flags) {
        DirHandle d = dirs.remove(fh);
        if (d != null) {
            synchronized (d) {
                d.close();
            }
        }
        req.replyOk();
    }

    void fsyncdir(Request req, long nodeid, long fh, boolean datasync) {
        req.replyOk();
    }
}
