package io.purefuse.harness.memfs;

import io.netty.buffer.ByteBuf;
import io.purefuse.session.FuseErrnoException;
import io.purefuse.session.Request;
import io.purefuse.session.RequestJournal;
import io.purefuse.session.RequestReplay;
import io.purefuse.session.ResentReplies;
import io.purefuse.wire.Errno;
import io.purefuse.wire.Flags;
import io.purefuse.wire.in.CopyFileRangeIn;
import io.purefuse.wire.in.SetattrIn;
import io.purefuse.wire.init.NegotiatedInit;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link MemFs} whose state outlives its process: every state-changing request is appended to
 * a {@link RequestJournal} before it runs (all of them in one order), and a successor process
 * rebuilds the same inodes, nodeids, file handles, data and timestamps by running the journal
 * again ({@link RequestReplay}). MemFs hands out nodeids and fhs from counters, so the same
 * requests in the same order give the same numbers.
 *
 * <p>Life cycle: a fresh mount calls {@link #startFresh}; a successor calls {@link #catchUp}
 * while its predecessor still runs (as often as it likes), then {@link #finishRestore} once the
 * predecessor is gone, and serves with the returned {@link ResentReplies}: a resent request that
 * the journal holds is answered with the reply its replay produced rather than run twice.
 *
 * <p>Not journaled: LOOKUP and FORGET (kernel lookup counts; see
 * {@link MemFs#assumeKernelReferences}), reads, FLUSH, FSYNC.
 */
public class TakeoverMemFs extends MemFs {
    /** How many of the last journaled requests keep their replay's reply for a resend. */
    static final int OWED_REPLIES = 8192;

    private final Path journalFile;
    private final Object order = new Object();
    private RequestJournal journal;
    private RequestJournal.Reader reader;
    private RequestReplay replay;
    private boolean replaying;
    private volatile Instant opTime;
    private final Map<Long, byte[]> owed = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > OWED_REPLIES;
        }
    };
    private volatile String haltBeforeRunning;

    public TakeoverMemFs(Options options, Path journalFile) {
        super(options);
        this.journalFile = journalFile;
    }

    /** A new mount: an empty journal. */
    public void startFresh() throws IOException {
        synchronized (order) {
            journal = RequestJournal.openForAppend(journalFile, 0);
        }
    }

    /** Replays what the predecessor journaled so far; returns the number of requests replayed. */
    public int catchUp(NegotiatedInit negotiated) throws IOException {
        synchronized (order) {
            if (replay == null) {
                replay = new RequestReplay(this, negotiated);
                reader = new RequestJournal.Reader(journalFile);
            }
            replaying = true;
            try {
                return reader.readAvailable((time, frame) -> {
                    opTime = Instant.ofEpochSecond(0, time);
                    long unique = frame.getLongLE(frame.readerIndex() + 8) & ~Flags.UNIQUE_RESEND;
                    byte[] reply = replay.replay(frame);
                    if (reply != null) {
                        owed.put(unique, reply);
                    }
                });
            } finally {
                replaying = false;
                opTime = null;
            }
        }
    }

    /**
     * The predecessor is gone: replays the rest, cuts off a record it did not finish, and opens
     * the journal for appending. Returns the replies owed to resent requests.
     */
    public ResentReplies finishRestore(NegotiatedInit negotiated) throws IOException {
        catchUp(negotiated);
        synchronized (order) {
            long valid = reader.validLength();
            reader.close();
            journal = RequestJournal.openForAppend(journalFile, valid);
        }
        assumeKernelReferences();
        return unique -> {
            synchronized (order) {
                return owed.get(unique);
            }
        };
    }

    /** The recorder to install in the session (it tells the journal which frame is being run). */
    public RequestJournal journal() {
        return journal;
    }

    /** Requests replayed so far by {@link #catchUp}. */
    public long replayed() {
        synchronized (order) {
            return reader == null ? 0 : reader.records();
        }
    }

    /**
     * For crash tests: the process halts after journaling a MKDIR of {@code name} and before
     * running it, as if killed between the two.
     */
    public void haltBeforeRunningMkdir(String name) {
        this.haltBeforeRunning = name;
    }

    @Override
    protected Instant now() {
        Instant t = opTime;
        return t != null ? t : Instant.now();
    }

    /** Journals the request being dispatched, then runs it; one at a time. */
    private void journaled(Runnable op) {
        synchronized (order) {
            if (!replaying) {
                Instant t = Instant.now();
                try {
                    journal.appendCurrent(t.getEpochSecond() * 1_000_000_000L + t.getNano());
                } catch (IOException e) {
                    throw new FuseErrnoException(Errno.EIO, "cannot journal the request: " + e.getMessage(), e);
                }
                opTime = t;
            }
            try {
                op.run();
            } finally {
                if (!replaying) {
                    opTime = null;
                }
            }
        }
    }

    @Override
    public void setattr(Request req, long nodeid, SetattrIn in) {
        journaled(() -> super.setattr(req, nodeid, in));
    }

    @Override
    public void symlink(Request req, long parent, String name, String target) {
        journaled(() -> super.symlink(req, parent, name, target));
    }

    @Override
    public void mknod(Request req, long parent, String name, int mode, int rdev, int umask) {
        journaled(() -> super.mknod(req, parent, name, mode, rdev, umask));
    }

    @Override
    public void mkdir(Request req, long parent, String name, int mode, int umask) {
        journaled(() -> {
            if (!replaying && name.equals(haltBeforeRunning)) {
                Runtime.getRuntime().halt(137);
            }
            super.mkdir(req, parent, name, mode, umask);
        });
    }

    @Override
    public void unlink(Request req, long parent, String name) {
        journaled(() -> super.unlink(req, parent, name));
    }

    @Override
    public void rmdir(Request req, long parent, String name) {
        journaled(() -> super.rmdir(req, parent, name));
    }

    @Override
    public void rename(Request req, long parent, String name, long newParent, String newName, int flags) {
        journaled(() -> super.rename(req, parent, name, newParent, newName, flags));
    }

    @Override
    public void link(Request req, long nodeid, long newParent, String newName) {
        journaled(() -> super.link(req, nodeid, newParent, newName));
    }

    @Override
    public void open(Request req, long nodeid, int flags) {
        journaled(() -> super.open(req, nodeid, flags));
    }

    @Override
    public void create(Request req, long parent, String name, int mode, int umask, int flags) {
        journaled(() -> super.create(req, parent, name, mode, umask, flags));
    }

    @Override
    public void write(Request req, long nodeid, long fh, long offset, ByteBuf data, int writeFlags, int flags) {
        journaled(() -> super.write(req, nodeid, fh, offset, data, writeFlags, flags));
    }

    @Override
    public void release(Request req, long nodeid, long fh, int flags, int releaseFlags, long lockOwner) {
        journaled(() -> super.release(req, nodeid, fh, flags, releaseFlags, lockOwner));
    }

    @Override
    public void fallocate(Request req, long nodeid, long fh, long offset, long length, int mode) {
        journaled(() -> super.fallocate(req, nodeid, fh, offset, length, mode));
    }

    @Override
    public void copyFileRange(Request req, CopyFileRangeIn in) {
        journaled(() -> super.copyFileRange(req, in));
    }

    @Override
    public void opendir(Request req, long nodeid, int flags) {
        journaled(() -> super.opendir(req, nodeid, flags));
    }

    @Override
    public void releasedir(Request req, long nodeid, long fh, int flags) {
        journaled(() -> super.releasedir(req, nodeid, fh, flags));
    }

    @Override
    public void setxattr(Request req, long nodeid, String name, ByteBuf value, int flags) {
        journaled(() -> super.setxattr(req, nodeid, name, value, flags));
    }

    @Override
    public void removexattr(Request req, long nodeid, String name) {
        journaled(() -> super.removexattr(req, nodeid, name));
    }
}
