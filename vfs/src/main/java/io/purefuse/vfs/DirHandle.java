package io.purefuse.vfs;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.ListOptions;

/**
 * An open directory: a streaming backend listing plus the cookie bookkeeping of READDIR.
 *
 * <p>Cookies: {@code "."} is followed by cookie 1, {@code ".."} by 2, and the backend entry at
 * listing position {@code p} (0-based, store order) by {@code p + 3}. So a READDIR at offset
 * {@code o >= 2} wants the entry at position {@code o - 2}. The listing is kept open between
 * READDIRs; the entry that did not fit into the previous reply is kept aside and sent first.
 * Any other offset (seekdir, telldir from an older stream) reopens the listing with
 * {@link ListOptions#resume} so the backend can repair the position with the last name seen.
 *
 * <p>Not thread safe: callers synchronise on the handle (the kernel serialises READDIR per open
 * directory anyway).
 */
final class DirHandle {
    static final long FIRST_ENTRY_COOKIE = 2;

    final long fh;
    final Inode inode;
    private final FileSystemBackend backend;
    private DirectoryListing listing;
    /** Listing position of the next entry {@link #next()} returns. */
    private long position;
    /** Entry taken from the listing but not yet sent (it did not fit). */
    private FileStatus pushedBack;
    /** Name of the entry just before {@link #position}, for resuming. */
    private String lastName;
    private boolean closed;

    DirHandle(long fh, Inode inode, FileSystemBackend backend) {
        this.fh = fh;
        this.inode = inode;
        this.backend = backend;
    }

    /** Positions the stream so that {@link #next()} returns the entry at listing position {@code pos}. */
    void seek(AlluxioPath dir, long pos) throws BackendException {
        if (listing != null && pos == position) {
            return;
        }
        closeListing();
        ListOptions o;
        if (pos == 0) {
            o = ListOptions.defaults();
        } else if (lastName != null && pos == position) {
            o = ListOptions.resume(pos, lastName);
        } else {
            o = ListOptions.fromOffset(pos);
        }
        listing = backend.listStatus(dir, o);
        position = pos;
        pushedBack = null;
        lastName = null;
    }

    /** The next entry or null at the end; {@link #cookieAfterLast()} is its cookie. */
    FileStatus next() throws BackendException {
        if (pushedBack != null) {
            FileStatus s = pushedBack;
            pushedBack = null;
            position++;
            lastName = s.name();
            return s;
        }
        FileStatus s = listing.next();
        if (s != null) {
            position = listing.position();
            lastName = s.name();
        }
        return s;
    }

    /** The entry just returned by {@link #next()} did not fit: return it again next time. */
    void pushBack(FileStatus s) {
        pushedBack = s;
        position--;
        lastName = null;
    }

    /** Cookie that follows the entry last returned by {@link #next()}. */
    long cookieAfterLast() {
        return position + FIRST_ENTRY_COOKIE;
    }

    private void closeListing() {
        if (listing != null) {
            listing.close();
            listing = null;
        }
    }

    void close() {
        if (!closed) {
            closed = true;
            closeListing();
        }
    }
}
