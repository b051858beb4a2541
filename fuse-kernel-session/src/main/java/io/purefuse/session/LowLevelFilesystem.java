package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import io.purefuse.wire.Errno;
import io.purefuse.wire.in.CopyFileRangeIn;
import io.purefuse.wire.in.LkIn;
import io.purefuse.wire.in.SetattrIn;
import io.purefuse.wire.init.NegotiatedInit;

/**
 * The inode-based filesystem API that the session dispatches kernel requests to, in the spirit
 * of libfuse's lowlevel API.
 *
 * <h2>Protocol contract</h2>
 * <ul>
 *   <li><b>One reply per request.</b> Every method that receives a {@link Request} must answer it
 *   exactly once with one of its {@code reply*} methods, from any thread, now or later. The
 *   session guarantees the kernel sees one reply whatever the filesystem does: an exception
 *   thrown by a method is logged once and answered {@code EIO} (a {@link FuseErrnoException} is
 *   answered with its errno and not logged); a second reply is dropped. Default methods answer
 *   {@code ENOSYS}, which the kernel remembers for most opcodes.</li>
 *   <li><b>Lookup counts.</b> Every successful {@code replyEntry} with a nonzero nodeid and every
 *   {@code replyCreate} (from {@link #lookup}, {@link #mknod}, {@link #mkdir}, {@link #symlink},
 *   {@link #link}, {@link #create}, {@link #tmpfile} and each entry of
 *   {@link DirectoryReply#addPlus readdirplus}) adds one to the kernel's lookup count of that
 *   nodeid. {@link #forget} subtracts {@code nlookup}; the filesystem may drop the inode when its
 *   count reaches zero. The root (nodeid 1) is never forgotten.</li>
 *   <li><b>Borrowed buffers.</b> Names arrive as {@code String}s (already checked to be valid
 *   UTF-8: the session answers {@code EILSEQ} otherwise). Write data and xattr values are
 *   {@link ByteBuf}s that point into the reader thread's request buffer: they are valid only
 *   until the method returns. Copy what an asynchronous answer needs; never release them.</li>
 *   <li><b>Struct views.</b> {@link SetattrIn}, {@link LkIn} and {@link CopyFileRangeIn} are
 *   flyweights over the same buffer, with the same lifetime.</li>
 *   <li><b>Threads.</b> Methods are called concurrently from the session's reader threads
 *   (parallel dirops are negotiated by default): implementations must be thread safe.</li>
 * </ul>
 */
public interface LowLevelFilesystem {

    /** Called once after INIT was negotiated, before any other request is dispatched. */
    default void init(NegotiatedInit negotiated) {}

    /**
     * Called once, before {@link #init} and before any request is read, when the session has FUSE
     * passthrough ({@link Request#passthrough()} returns {@code p} from then on). A successor server
     * (takeover) adopts its predecessor's backing ids here ({@link Passthrough#adopt}).
     */
    default void passthroughStarted(Passthrough p) {}

    /** Called once when the session ends (DESTROY, unmount or close). */
    default void destroy() {}

    /** Look up {@code name} in directory {@code parent}: replyEntry (count +1) or ENOENT.
     * A negative entry (nodeid 0, entry timeout set) lets the kernel cache the absence. */
    default void lookup(Request req, long parent, String name) { req.replyError(Errno.ENOSYS); }

    /** The kernel dropped {@code nlookup} references to {@code nodeid}. No reply. */
    default void forget(long nodeid, long nlookup) {}

    /** GETATTR: replyAttr. {@code fh} is the open file handle, or -1 when the kernel sent none. */
    default void getattr(Request req, long nodeid, long fh) { req.replyError(Errno.ENOSYS); }

    /** SETATTR: apply the fields selected by {@code in.valid()} (FATTR_* bits), then replyAttr. */
    default void setattr(Request req, long nodeid, SetattrIn in) { req.replyError(Errno.ENOSYS); }

    /** READLINK: replyData with the link target (no NUL). */
    default void readlink(Request req, long nodeid) { req.replyError(Errno.ENOSYS); }

    default void symlink(Request req, long parent, String name, String target) { req.replyError(Errno.ENOSYS); }

    default void mknod(Request req, long parent, String name, int mode, int rdev, int umask) { req.replyError(Errno.ENOSYS); }

    default void mkdir(Request req, long parent, String name, int mode, int umask) { req.replyError(Errno.ENOSYS); }

    /** UNLINK: replyOk or an error. The kernel still holds lookup counts: wait for forget. */
    default void unlink(Request req, long parent, String name) { req.replyError(Errno.ENOSYS); }

    default void rmdir(Request req, long parent, String name) { req.replyError(Errno.ENOSYS); }

    /** RENAME and RENAME2; {@code flags} holds RENAME_NOREPLACE / RENAME_EXCHANGE / RENAME_WHITEOUT. */
    default void rename(Request req, long parent, String name, long newParent, String newName, int flags) {
        req.replyError(Errno.ENOSYS);
    }

    default void link(Request req, long nodeid, long newParent, String newName) { req.replyError(Errno.ENOSYS); }

    /** OPEN: replyOpen(fh, FOPEN_* flags). {@code flags} are the open(2) flags. */
    default void open(Request req, long nodeid, int flags) { req.replyError(Errno.ENOSYS); }

    /**
     * READ: answer with at most {@code size} bytes via {@link Request#replyData(ByteBuf)} (the
     * session takes ownership and writes header and data with one writev, no copy). A short
     * reply means EOF unless the file was opened with FOPEN_DIRECT_IO.
     */
    default void read(Request req, long nodeid, long fh, long offset, int size, int flags) { req.replyError(Errno.ENOSYS); }

    /** WRITE: {@code data} holds {@code data.readableBytes()} bytes to write; replyWrite(count). */
    default void write(Request req, long nodeid, long fh, long offset, ByteBuf data, int writeFlags, int flags) {
        req.replyError(Errno.ENOSYS);
    }

    /** FLUSH: called on every close(2) of a file descriptor. */
    default void flush(Request req, long nodeid, long fh, long lockOwner) { req.replyError(Errno.ENOSYS); }

    /** RELEASE: the last reference to {@code fh} is gone. Errors are ignored by the kernel. */
    default void release(Request req, long nodeid, long fh, int flags, int releaseFlags, long lockOwner) { req.replyOk(); }

    default void fsync(Request req, long nodeid, long fh, boolean datasync) { req.replyError(Errno.ENOSYS); }

    default void opendir(Request req, long nodeid, int flags) { req.replyOpen(0, 0); }

    /**
     * READDIR: fill {@link Request#directoryReply(int)} starting after cookie {@code offset}
     * (0 = from the start); each entry carries the cookie of the entry after it.
     */
    default void readdir(Request req, long nodeid, long fh, long offset, int size) { req.replyError(Errno.ENOSYS); }

    /** READDIRPLUS: as readdir with {@link DirectoryReply#addPlus}; each entry counts as a lookup. */
    default void readdirplus(Request req, long nodeid, long fh, long offset, int size) { req.replyError(Errno.ENOSYS); }

    default void releasedir(Request req, long nodeid, long fh, int flags) { req.replyOk(); }

    default void fsyncdir(Request req, long nodeid, long fh, boolean datasync) { req.replyError(Errno.ENOSYS); }

    /** STATFS: replyStatfs. */
    default void statfs(Request req, long nodeid) { req.replyError(Errno.ENOSYS); }

    default void setxattr(Request req, long nodeid, String name, ByteBuf value, int flags) { req.replyError(Errno.ENOSYS); }

    /** GETXATTR: {@code size} 0 asks for the value's size (replyXattrSize); otherwise replyData or ERANGE. */
    default void getxattr(Request req, long nodeid, String name, int size) { req.replyError(Errno.ENOSYS); }

    /** LISTXATTR: NUL-separated names; {@code size} 0 asks for the size. */
    default void listxattr(Request req, long nodeid, int size) { req.replyError(Errno.ENOSYS); }

    default void removexattr(Request req, long nodeid, String name) { req.replyError(Errno.ENOSYS); }

    /** ACCESS: only sent without default_permissions; replyOk or EACCES. */
    default void access(Request req, long nodeid, int mask) { req.replyError(Errno.ENOSYS); }

    /** CREATE: create and open; replyCreate (count +1). ENOSYS makes the kernel fall back to MKNOD+OPEN. */
    default void create(Request req, long parent, String name, int mode, int umask, int flags) { req.replyError(Errno.ENOSYS); }

    /** TMPFILE: create an unnamed file in {@code parent}; replyCreate. */
    default void tmpfile(Request req, long parent, int mode, int umask, int flags) { req.replyError(Errno.ENOSYS); }

    default void getlk(Request req, long nodeid, LkIn in) { req.replyError(Errno.ENOSYS); }

    /** SETLK / SETLKW ({@code sleep}); flock(2) when {@code in.lkFlags()} has FUSE_LK_FLOCK. */
    default void setlk(Request req, long nodeid, LkIn in, boolean sleep) { req.replyError(Errno.ENOSYS); }

    default void fallocate(Request req, long nodeid, long fh, long offset, long length, int mode) { req.replyError(Errno.ENOSYS); }

    /** LSEEK (SEEK_DATA / SEEK_HOLE): replyLseek. ENOSYS lets the kernel use generic semantics. */
    default void lseek(Request req, long nodeid, long fh, long offset, int whence) { req.replyError(Errno.ENOSYS); }

    /** COPY_FILE_RANGE(_64): source is {@code req.nodeid()}; replyCopyFileRange. */
    default void copyFileRange(Request req, CopyFileRangeIn in) { req.replyError(Errno.ENOSYS); }

    /** STATX: replyStatx; ENOSYS makes the kernel use GETATTR. */
    default void statx(Request req, long nodeid, long fh, int sxFlags, int sxMask) { req.replyError(Errno.ENOSYS); }

    default void bmap(Request req, long nodeid, int blocksize, long block) { req.replyError(Errno.ENOSYS); }

    default void syncfs(Request req, long nodeid) { req.replyError(Errno.ENOSYS); }
}
