package io.purefuse.harness.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.purefuse.harness.memfs.MemFs;
import io.purefuse.harness.trace.TraceReader;
import io.purefuse.mount.Native;
import io.purefuse.session.FuseSession;
import io.purefuse.session.SessionOptions;
import io.purefuse.session.device.FuseDeviceChannel;
import io.purefuse.wire.Opcode;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.EntryOut;
import io.purefuse.wire.out.Statx;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import jnr.posix.POSIX;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replays the real-kernel trace recorded by {@link RecordMemFsTraceTest} against a fresh MemFs
 * served over a SOCK_SEQPACKET socketpair standing in for /dev/fuse, and compares every reply
 * with the recorded one.
 *
 * <p>What is compared: the unique, the error and the length of every reply; the exact bytes of
 * replies that hold no timestamps (INIT, OPEN, READ, WRITE, STATFS, READDIR, xattrs, LSEEK,
 * COPY_FILE_RANGE, ...); and for replies carrying attributes (entries, attr, statx,
 * READDIRPLUS) every field but the three times: nodeid, generation, timeouts, ino, mode, nlink,
 * uid, gid, size, blocks, rdev, names and cookies. Times differ by construction (MemFs stamps
 * inodes with the wall clock). Nodeids are deterministic because MemFs hands them out
 * sequentially and replay feeds the recorded requests, FORGETs included, in recorded order with
 * one reader thread, which is how the trace was recorded. Notifications (unique 0) are skipped.
 */
class MemFsReplayTest {
    static final String TRACE = "/traces/memfs-kernel-6.18.trace";
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int MAX_FRAME = (1 << 20) + 8192;

    /** Replies with attributes: compared field by field, times excluded. */
    private static final Set<Opcode> WITH_ATTRS = EnumSet.of(Opcode.LOOKUP, Opcode.MKDIR, Opcode.MKNOD,
            Opcode.SYMLINK, Opcode.LINK, Opcode.CREATE, Opcode.GETATTR, Opcode.SETATTR, Opcode.STATX,
            Opcode.READDIRPLUS);

    record Frame(int direction, byte[] bytes) {
        long unique() {
            return le64(bytes, 8); // in and out headers both hold unique at offset 8
        }

        int opcode() {
            return le32(bytes, 4);
        }

        int error() {
            return le32(bytes, 4);
        }
    }

    static long le64(byte[] b, int i) {
        return (le32(b, i) & 0xffffffffL) | (long) le32(b, i + 4) << 32;
    }

    static int le32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    static List<Frame> load() throws Exception {
        List<Frame> frames = new ArrayList<>();
        try (InputStream in = MemFsReplayTest.class.getResourceAsStream(TRACE)) {
            assertThat(in).as("trace resource %s", TRACE).isNotNull();
            TraceReader r = new TraceReader(in);
            for (TraceReader.Frame f = r.next(); f != null; f = r.next()) {
                assertThat(f.truncated()).as("frame %d truncated", f.index()).isFalse();
                frames.add(new Frame(f.direction(), f.bytes()));
            }
        }
        return frames;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void replayMatchesTheRecordedReplies() throws Exception {
        Map<Opcode, Integer> compared = new TreeMap<>();
        List<String> mismatches = replay(newMemFs(), compared);
        assertThat(mismatches).as("replay mismatches").isEmpty();
        assertThat(compared.keySet()).contains(Opcode.INIT, Opcode.LOOKUP, Opcode.CREATE, Opcode.WRITE, Opcode.READ,
                Opcode.READDIR, Opcode.READDIRPLUS, Opcode.RENAME, Opcode.RENAME2, Opcode.SETXATTR, Opcode.GETXATTR,
                Opcode.STATFS, Opcode.SETATTR, Opcode.SYMLINK, Opcode.LINK, Opcode.UNLINK, Opcode.RMDIR,
                Opcode.FALLOCATE);
    }

    /** The comparison is not vacuous: a filesystem that differs in one visible detail is caught. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void replayDetectsADifferentFilesystem() throws Exception {
        MemFs other = new MemFs(new MemFs.Options().rootOwner(0, 0).rootMode(0700));
        List<String> mismatches = replay(other, new TreeMap<>());
        assertThat(mismatches).isNotEmpty().anyMatch(m -> m.contains("mode"));
    }

    /** Replays the trace against {@code fs}; returns the mismatches and counts compared replies by opcode. */
    static List<String> replay(MemFs fs, Map<Opcode, Integer> compared) throws Exception {
        List<Frame> frames = load();
        Map<Long, Frame> recorded = new HashMap<>();
        Map<Long, Opcode> opcodes = new HashMap<>();
        for (Frame f : frames) {
            if (f.direction() == 0) {
                opcodes.put(f.unique(), Opcode.of(f.opcode()));
            } else if (f.unique() != 0) {
                assertThat(recorded.put(f.unique(), f)).as("two replies for unique %d", f.unique()).isNull();
            }
        }
        assertThat(frames.get(0).direction()).isZero();
        assertThat(Opcode.of(frames.get(0).opcode())).isEqualTo(Opcode.INIT);

        POSIX posix = Native.posix();
        int[] sv = new int[2];
        assertThat(posix.socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv)).as("socketpair").isZero();
        int kernel = sv[1];
        List<String> mismatches = new ArrayList<>();
        byte[] buf = new byte[MAX_FRAME];
        FuseSession session = null;
        int minor = 0;
        try {
            int i = 0;
            for (Frame req : frames) {
                if (req.direction() != 0) {
                    continue;
                }
                long n = posix.write(kernel, req.bytes(), req.bytes().length);
                assertThat(n).as("write of request %d", req.unique()).isEqualTo(req.bytes().length);
                if (session == null) {
                    // serve() returns once INIT is answered: the INIT request is already queued.
                    session = FuseSession.serve(FuseDeviceChannel.ofSocket(sv[0]), fs,
                            new SessionOptions().readerThreads(1));
                }
                Frame expected = recorded.get(req.unique());
                if (expected == null) {
                    continue; // FORGET, BATCH_FORGET: no reply
                }
                Frame actual = null;
                while (actual == null) {
                    int got = posix.read(kernel, buf, buf.length);
                    assertThat(got).as("reply to unique %d", req.unique()).isGreaterThanOrEqualTo(16);
                    Frame f = new Frame(1, Arrays.copyOf(buf, got));
                    if (f.unique() == 0) {
                        continue; // notification
                    }
                    if (f.unique() != req.unique()) {
                        mismatches.add("unexpected reply for unique " + f.unique() + " while waiting for "
                                + req.unique());
                        continue;
                    }
                    actual = f;
                }
                Opcode op = Opcode.of(req.opcode());
                if (op == Opcode.INIT) {
                    minor = le32(actual.bytes(), 20);
                }
                compare(op, req, expected, actual, minor, mismatches);
                compared.merge(op, 1, Integer::sum);
                i++;
            }
            System.out.printf("replayed %d frames, compared %d replies: %s%n", frames.size(), i, compared);
        } finally {
            posix.close(kernel);
            if (session != null) {
                assertThat(session.awaitTermination(10, TimeUnit.SECONDS)).as("session ends when the peer closes").isTrue();
                session.close();
            } else {
                posix.close(sv[0]);
            }
        }
        return mismatches;
    }

    static MemFs newMemFs() {
        return RecordMemFsTraceTest.newMemFs();
    }

    private static void compare(Opcode op, Frame req, Frame exp, Frame act, int minor, List<String> out) {
        String where = op + " unique " + req.unique() + " nodeid " + le64(req.bytes(), 16) + ": ";
        if (exp.error() != act.error() || exp.bytes().length != act.bytes().length) {
            out.add(where + "expected error " + exp.error() + " len " + exp.bytes().length + ", got error "
                    + act.error() + " len " + act.bytes().length);
            return;
        }
        if (exp.error() != 0) {
            return;
        }
        if (!WITH_ATTRS.contains(op)) {
            if (!Arrays.equals(exp.bytes(), act.bytes())) {
                out.add(where + "bytes differ at " + Arrays.mismatch(exp.bytes(), act.bytes()));
            }
            return;
        }
        ByteBuf e = Unpooled.wrappedBuffer(exp.bytes());
        ByteBuf a = Unpooled.wrappedBuffer(act.bytes());
        switch (op) {
            case GETATTR, SETATTR -> {
                check(out, where + "attr_valid", e.getLongLE(16), a.getLongLE(16));
                compareAttr(out, where, new Attr().readFrom(e, 32, minor), new Attr().readFrom(a, 32, minor));
            }
            case STATX -> {
                check(out, where + "attr_valid", e.getLongLE(16), a.getLongLE(16));
                Statx se = new Statx().readFrom(e, 48);
                Statx sa = new Statx().readFrom(a, 48);
                check(out, where + "mask", se.mask, sa.mask);
                check(out, where + "ino", se.ino, sa.ino);
                check(out, where + "mode", se.mode, sa.mode);
                check(out, where + "nlink", se.nlink, sa.nlink);
                check(out, where + "size", se.size, sa.size);
                check(out, where + "uid", se.uid, sa.uid);
                check(out, where + "gid", se.gid, sa.gid);
                check(out, where + "blocks", se.blocks, sa.blocks);
            }
            case READDIRPLUS -> compareDirentPlus(out, where, e, a, minor);
            default -> { // entry replies, CREATE = entry + open
                compareEntry(out, where, new EntryOut().readFrom(e, 16, minor), new EntryOut().readFrom(a, 16, minor));
                int tail = 16 + EntryOut.size(minor);
                if (op == Opcode.CREATE && !Arrays.equals(exp.bytes(), tail, exp.bytes().length,
                        act.bytes(), tail, act.bytes().length)) {
                    out.add(where + "open part of CREATE differs");
                }
            }
        }
    }

    private static void compareEntry(List<String> out, String where, EntryOut e, EntryOut a) {
        check(out, where + "nodeid", e.nodeid, a.nodeid);
        check(out, where + "generation", e.generation, a.generation);
        check(out, where + "entry_valid", e.entryValid * 1_000_000_000L + e.entryValidNsec,
                a.entryValid * 1_000_000_000L + a.entryValidNsec);
        check(out, where + "attr_valid", e.attrValid * 1_000_000_000L + e.attrValidNsec,
                a.attrValid * 1_000_000_000L + a.attrValidNsec);
        compareAttr(out, where, e.attr(), a.attr());
    }

    private static void compareAttr(List<String> out, String where, Attr e, Attr a) {
        check(out, where + "ino", e.ino, a.ino);
        check(out, where + "mode", e.mode, a.mode);
        check(out, where + "nlink", e.nlink, a.nlink);
        check(out, where + "size", e.size, a.size);
        check(out, where + "blocks", e.blocks, a.blocks);
        check(out, where + "uid", e.uid, a.uid);
        check(out, where + "gid", e.gid, a.gid);
        check(out, where + "rdev", e.rdev, a.rdev);
        check(out, where + "blksize", e.blksize, a.blksize);
    }

    /** fuse_direntplus: entry_out, then fuse_dirent {ino, off, namelen, type, name}, 8-byte aligned. */
    private static void compareDirentPlus(List<String> out, String where, ByteBuf e, ByteBuf a, int minor) {
        int entrySize = EntryOut.size(minor);
        int pos = 16;
        int n = 0;
        while (pos < e.writerIndex()) {
            compareEntry(out, where + "entry " + n + " ", new EntryOut().readFrom(e, pos, minor),
                    new EntryOut().readFrom(a, pos, minor));
            int d = pos + entrySize;
            check(out, where + "entry " + n + " ino", e.getLongLE(d), a.getLongLE(d));
            check(out, where + "entry " + n + " off", e.getLongLE(d + 8), a.getLongLE(d + 8));
            int nameLen = e.getIntLE(d + 16);
            check(out, where + "entry " + n + " type", e.getIntLE(d + 20), a.getIntLE(d + 20));
            String en = e.toString(d + 24, nameLen, java.nio.charset.StandardCharsets.UTF_8);
            String an = a.toString(d + 24, Math.min(a.getIntLE(d + 16), a.writerIndex() - d - 24),
                    java.nio.charset.StandardCharsets.UTF_8);
            if (!en.equals(an)) {
                out.add(where + "entry " + n + " name: expected " + en + ", got " + an);
                return;
            }
            pos = d + ((24 + nameLen + 7) & ~7);
            n++;
        }
    }

    private static void check(List<String> out, String what, long expected, long actual) {
        if (expected != actual) {
            out.add(what + ": expected " + expected + ", got " + actual);
        }
    }
}
