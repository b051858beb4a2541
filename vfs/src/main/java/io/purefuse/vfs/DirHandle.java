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
 * Any other offset (seekdir, rewinds, re-reads) reopens the listing. The handle remembers, for
 * the last {@link #REMEMBERED_COOKIES} cookies it handed out, the name of the entry each one
 * follows, and reopens with {@link ListOptions#resume}{@code (position, name)}: if the directory
 * changed meanwhile the backend finds that entry again instead of counting positions, so a
 * seekdir to a telldir value neither skips nor repeats entries.
 *
 * <p>Not thread safe: callers synchronise on the handle (the kernel serialises READDIR per open
 * directory anyway).
 */
final class DirHandle {
    static final long FIRST_ENTRY_COOKIE = 2;
    /** How many cookies (most recent first) can be resumed by name. */
    static final int REMEMBERED_COOKIES = 512;

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
    /** Listing position (cookie - 2) -> name of the entry just before it, for recent cookies. */
    private final java.util.LinkedHashMap<Long, String> namesBefore = new java.util.LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Long, String> eldest) {
            return size() > REMEMBERED_COOKIES;
        }
    };

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
        String before = pos == position && lastName != null ? lastName : namesBefore.get(pos);
        closeListing();
        ListOptions o;
        if (pos == 0) {
            o = ListOptions.defaults();
        } else if (before != null) {
            o = ListOptions.resume(pos, before);
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
            remember(s.name());
            return s;
        }
        FileStatus s = listing.next();
        if (s != null) {
            position = listing.position();
            remember(s.name());
        }
        return s;
    }

    private void remember(String name) {
        lastName = name;
        namesBefore.remove(position); // re-insert: most recent last
        namesBefore.put(position, name);
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
