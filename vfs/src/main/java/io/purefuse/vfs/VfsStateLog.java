package io.purefuse.vfs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * What a successor server needs to keep a live mount's nodeids and file handles valid after a
 * takeover: the inode table (nodeid, parent, name) and the open file and directory handles (fh,
 * nodeid, writable). Appended as the state changes, one {@code write(2)} per record into the
 * page cache (survives {@code kill -9} of the server, not a machine crash); records carry a
 * length and a CRC32C, so a record cut short by the writer's death ends the log.
 *
 * <p>A successor reads it ({@link #read}), rebuilds its state, and rewrites it compacted
 * ({@link #rewrite}) before serving. Nodeids are never reused (a 64-bit counter that survives
 * in the log), so a stale nodeid can never reach another file; the generation stays 0.
 */
final class VfsStateLog implements InodeTable.Listener, Closeable {
    private static final byte NEW = 1;
    private static final byte MOVE = 2;
    private static final byte DETACH = 3;
    private static final byte DROP = 4;
    private static final byte FILE_OPEN = 5;
    private static final byte FILE_CLOSE = 6;
    private static final byte DIR_OPEN = 7;
    private static final byte DIR_CLOSE = 8;
    private static final byte NEXT_IDS = 9;

    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(bytes);

    private VfsStateLog(FileChannel channel) {
        this.channel = channel;
    }

    /** Starts an empty log (a fresh mount). */
    static VfsStateLog create(Path file) throws IOException {
        return new VfsStateLog(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING));
    }

    /** The state a log describes. */
    static final class State {
        /** nodeid -> {parent (0: detached), name}; insertion order keeps parents first. */
        final Map<Long, Object[]> inodes = new LinkedHashMap<>();
        /** fh -> {nodeid, writable}. */
        final Map<Long, long[]> files = new LinkedHashMap<>();
        /** fh -> nodeid. */
        final Map<Long, Long> dirs = new LinkedHashMap<>();
        long nextNodeid = InodeTable.ROOT_ID + 1;
        long nextFh = 1;
        long records;
    }

    /** Reads a log up to its first incomplete or corrupt record. */
    static State read(Path file) throws IOException {
        State st = new State();
        if (!Files.exists(file)) {
            return st;
        }
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C c = new CRC32C();
        while (b.remaining() >= 8) {
            int len = b.getInt(b.position());
            int sum = b.getInt(b.position() + 4);
            if (len <= 0 || len > b.remaining() - 8) {
                break;
            }
            c.reset();
            c.update(all, b.position() + 8, len);
            if ((int) c.getValue() != sum) {
                break;
            }
            apply(st, new DataInputStream(new ByteArrayInputStream(all, b.position() + 8, len)));
            b.position(b.position() + 8 + len);
            st.records++;
        }
        return st;
    }

    private static void apply(State st, DataInputStream in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case NEW, MOVE -> {
                long id = in.readLong();
                long parent = in.readLong();
                String name = in.readUTF();
                Object[] e = st.inodes.get(id);
                if (e == null) {
                    st.inodes.put(id, new Object[] {parent, name});
                } else {
                    e[0] = parent;
                    e[1] = name;
                }
                st.nextNodeid = Math.max(st.nextNodeid, id + 1);
            }
            case DETACH -> {
                Object[] e = st.inodes.get(in.readLong());
                if (e != null) {
                    e[0] = 0L;
                }
            }
            case DROP -> st.inodes.remove(in.readLong());
            case FILE_OPEN -> {
                long fh = in.readLong();
                st.files.put(fh, new long[] {in.readLong(), in.readBoolean() ? 1 : 0});
                st.nextFh = Math.max(st.nextFh, fh + 1);
            }
            case FILE_CLOSE -> st.files.remove(in.readLong());
            case DIR_OPEN -> {
                long fh = in.readLong();
                st.dirs.put(fh, in.readLong());
                st.nextFh = Math.max(st.nextFh, fh + 1);
            }
            case DIR_CLOSE -> st.dirs.remove(in.readLong());
            case NEXT_IDS -> {
                st.nextNodeid = Math.max(st.nextNodeid, in.readLong());
                st.nextFh = Math.max(st.nextFh, in.readLong());
            }
            default -> throw new IOException("unknown state log record " + type);
        }
    }

    /**
     * Replaces {@code file} with a compacted log of {@code st} (written aside, then renamed over
     * it) and returns it open for appending.
     */
    static VfsStateLog rewrite(Path file, State st) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        VfsStateLog log = create(tmp);
        synchronized (log) {
            log.begin(NEXT_IDS);
            try {
                log.out.writeLong(st.nextNodeid);
                log.out.writeLong(st.nextFh);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            log.end();
        }
        for (Map.Entry<Long, Object[]> e : st.inodes.entrySet()) {
            long parent = (Long) e.getValue()[0];
            // A NEW record needs a parent; detached inodes get their old name and a DETACH.
            log.record(NEW, e.getKey(), parent == 0 ? InodeTable.ROOT_ID : parent, (String) e.getValue()[1]);
            if (parent == 0) {
                log.record(DETACH, e.getKey(), 0, null);
            }
        }
        for (Map.Entry<Long, long[]> e : st.files.entrySet()) {
            log.fileOpened(e.getKey(), e.getValue()[0], e.getValue()[1] != 0);
        }
        for (Map.Entry<Long, Long> e : st.dirs.entrySet()) {
            log.dirOpened(e.getKey(), e.getValue());
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return log;
    }

    // ------------------------------------------------------------ recording

    @Override
    public void created(Inode i) {
        record(NEW, i.nodeid, i.parent.nodeid, i.name);
    }

    @Override
    public void moved(Inode i) {
        record(MOVE, i.nodeid, i.parent.nodeid, i.name);
    }

    @Override
    public void detached(Inode i) {
        record(DETACH, i.nodeid, 0, null);
    }

    @Override
    public void dropped(Inode i) {
        record(DROP, i.nodeid, 0, null);
    }

    void fileOpened(long fh, long nodeid, boolean writable) {
        synchronized (this) {
            begin(FILE_OPEN);
            try {
                out.writeLong(fh);
                out.writeLong(nodeid);
                out.writeBoolean(writable);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            end();
        }
    }

    void fileClosed(long fh) {
        record(FILE_CLOSE, fh, 0, null);
    }

    void dirOpened(long fh, long nodeid) {
        synchronized (this) {
            begin(DIR_OPEN);
            try {
                out.writeLong(fh);
                out.writeLong(nodeid);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            end();
        }
    }

    void dirClosed(long fh) {
        record(DIR_CLOSE, fh, 0, null);
    }

    private synchronized void record(byte type, long a, long b, String name) {
        begin(type);
        try {
            out.writeLong(a);
            if (type == NEW || type == MOVE) {
                out.writeLong(b);
                out.writeUTF(name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        end();
    }

    private void begin(byte type) {
        bytes.reset();
        try {
            out.writeInt(0); // length, patched in end()
            out.writeInt(0); // crc
            out.writeByte(type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void end() {
        byte[] r = bytes.toByteArray();
        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
        crc.reset();
        crc.update(r, 8, r.length - 8);
        b.putInt(0, r.length - 8);
        b.putInt(4, (int) crc.getValue());
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            // A state the successor cannot rebuild is worse than a failed request: tell the caller.
            throw new UncheckedIOException("cannot append to the takeover state log", e);
        }
    }

    /** A map of file handles that records every open and close. */
    Map<Long, FileHandle> fileHandles() {
        return new java.util.concurrent.ConcurrentHashMap<>() {
            @Override
            public FileHandle put(Long fh, FileHandle h) {
                fileOpened(fh, h.inode.nodeid, h.writable);
                return super.put(fh, h);
            }

            @Override
            public FileHandle remove(Object fh) {
                FileHandle h = super.remove(fh);
                if (h != null) {
                    fileClosed((Long) fh);
                }
                return h;
            }
        };
    }

    /** A map of directory handles that records every open and close. */
    Map<Long, DirHandle> dirHandles() {
        return new java.util.concurrent.ConcurrentHashMap<>() {
            @Override
            public DirHandle put(Long fh, DirHandle d) {
                dirOpened(fh, d.inode.nodeid);
                return super.put(fh, d);
            }

            @Override
            public DirHandle remove(Object fh) {
                DirHandle d = super.remove(fh);
                if (d != null) {
                    dirClosed((Long) fh);
                }
                return d;
            }
        };
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // every record already reached the page cache
        }
    }

    /** For tests: the records of a state, as text. */
    static List<String> describe(State st) {
        List<String> l = new ArrayList<>();
        st.inodes.forEach((id, e) -> l.add("inode " + id + " parent " + e[0] + " " + e[1]));
        st.files.forEach((fh, e) -> l.add("file " + fh + " nodeid " + e[0] + (e[1] != 0 ? " w" : " r")));
        st.dirs.forEach((fh, id) -> l.add("dir " + fh + " nodeid " + id));
        return l;
    }
}
