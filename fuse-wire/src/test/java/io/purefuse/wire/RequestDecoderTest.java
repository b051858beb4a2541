package io.purefuse.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.purefuse.wire.in.*;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RequestDecoderTest {
    private final RequestDecoder decoder = new RequestDecoder();
    private final RequestFrame f = new RequestFrame();

    RequestDecoderTest() {
        decoder.setSetxattrExt(true);
    }

    private RequestFrame ok(byte[] frame) {
        DecodeStatus s = decoder.decode(Unpooled.wrappedBuffer(frame), f);
        assertThat(s).as("%s %s", f.reason(), f.opcode()).isEqualTo(DecodeStatus.OK);
        return f;
    }

    private RequestFrame ok(Opcode op, byte[] body) {
        return ok(Le.request(op.code(), 0x1122334455667788L, 9, body));
    }

    @Test
    void opcodeTableIsComplete() {
        assertThat(Opcode.values()).hasSize(52);
        for (Opcode op : Opcode.values()) {
            assertThat(Opcode.of(op.code())).isSameAs(op);
        }
        assertThat(Opcode.of(7)).isNull();
        assertThat(Opcode.of(19)).isNull();
        assertThat(Opcode.of(54)).isNull();
        assertThat(Opcode.of(-1)).isNull();
        assertThat(Opcode.of(4095)).isNull();
        assertThat(Opcode.STATX.code()).isEqualTo(52);
        assertThat(Opcode.COPY_FILE_RANGE_64.code()).isEqualTo(53);
        assertThat(Opcode.LOOKUP.kernelName()).isEqualTo("FUSE_LOOKUP");
    }

    @ParameterizedTest
    @EnumSource(Opcode.class)
    void everySampleFrameDecodesAndPrints(Opcode op) {
        RequestFrame r = ok(Frames.frame(op, 42));
        assertThat(r.opcode()).isEqualTo(op);
        assertThat(r.unique()).isEqualTo(42);
        assertThat(io.purefuse.wire.debug.StructPrinter.request(r)).startsWith("{").endsWith("}");
    }

    @Test
    void header() {
        byte[] b = Le.request(Opcode.LOOKUP.code(), -2L, 0x8000000000000001L, 0xfffffffe, 7, 99, 0,
            Le.le().cstr("x").toBytes());
        RequestFrame r = ok(b);
        assertThat(r.len()).isEqualTo(42);
        assertThat(r.rawOpcode()).isEqualTo(1);
        assertThat(r.unique()).isEqualTo(-2L);
        assertThat(r.isResend()).isTrue();
        assertThat(r.nodeid()).isEqualTo(0x8000000000000001L);
        assertThat(r.uid()).isEqualTo(0xfffffffe);
        assertThat(r.gid()).isEqualTo(7);
        assertThat(r.pid()).isEqualTo(99);
        assertThat(r.totalExtlen()).isZero();
        assertThat(r.bodyIndex()).isEqualTo(40);
        assertThat(r.bodyLength()).isEqualTo(2);
        assertThat(r.errno()).isZero();
        assertThat(r.reason()).isNull();
    }

    @Test
    void decodesAtNonZeroReaderIndex() {
        byte[] frame = Frames.frame(Opcode.GETATTR, 5);
        ByteBuf buf = Unpooled.buffer(200);
        buf.writeZero(13);
        buf.writeBytes(frame);
        buf.readerIndex(13);
        assertThat(decoder.decode(buf, f)).isEqualTo(DecodeStatus.OK);
        assertThat(f.getattrIn().fh()).isEqualTo(99);
        assertThat(buf.readerIndex()).isEqualTo(13);
    }

    @Test
    void lookup() {
        NameIn n = ok(Opcode.LOOKUP, Le.le().cstr("héllo").toBytes()).nameIn();
        assertThat(n.name()).isEqualTo("héllo");
        assertThat(n.nameLength()).isEqualTo(6);
        assertThat(n.nameIndex()).isEqualTo(40);
        assertThat(n.nameIsValidUtf8()).isTrue();
        assertThat(n.nameEquals("héllo".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(n.nameBytes()).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
        assertThat(f.lookup()).isSameAs(n);
        assertThat(f.<NameIn>body()).isSameAs(n);
    }

    @Test
    void invalidUtf8NameIsDetected() {
        NameIn n = ok(Opcode.LOOKUP, Le.le().u8(0x66).u8(0xc3).u8(0x28).u8(0).toBytes()).nameIn();
        assertThat(n.nameIsValidUtf8()).isFalse();
        assertThat(n.nameLength()).isEqualTo(3);
        for (byte[] bad : new byte[][] {{(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xff}}) {
            assertThat(ok(Opcode.LOOKUP, Le.le().bytes(bad).u8(0).toBytes()).nameIn().nameIsValidUtf8()).isFalse();
        }
        byte[] good = "a\u20ac\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
        assertThat(ok(Opcode.LOOKUP, Le.le().bytes(good).u8(0).toBytes()).nameIn().nameIsValidUtf8()).isTrue();
    }

    @Test
    void wrongBodyAccessorThrows() {
        ok(Opcode.LOOKUP, Le.le().cstr("a").toBytes());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.readIn())
            .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void forgetAndBatchForget() {
        assertThat(ok(Opcode.FORGET, Le.le().u64(17).toBytes()).forgetIn().nlookup()).isEqualTo(17);
        BatchForgetIn b = ok(Opcode.BATCH_FORGET, Frames.body(Opcode.BATCH_FORGET)).batchForgetIn();
        assertThat(b.count()).isEqualTo(2);
        assertThat(b.nodeid(0)).isEqualTo(5);
        assertThat(b.nlookup(0)).isEqualTo(1);
        assertThat(b.nodeid(1)).isEqualTo(6);
        assertThat(b.nlookup(1)).isEqualTo(2);
    }

    @Test
    void getattr() {
        GetattrIn g = ok(Opcode.GETATTR, Le.le().u32(Flags.GETATTR_FH).u32(0).u64(0xabcdef).toBytes()).getattrIn();
        assertThat(g.getattrFlags()).isEqualTo(1);
        assertThat(g.fh()).isEqualTo(0xabcdef);
    }

    @Test
    void setattr() {
        SetattrIn s = ok(Opcode.SETATTR, Le.le().u32(0xfff).u32(0).u64(1).u64(2).u64(3).u64(4).u64(5).u64(6)
            .u32(7).u32(8).u32(9).u32(10).u32(0).u32(11).u32(12).u32(0).toBytes()).setattrIn();
        assertThat(s.valid()).isEqualTo(0xfff);
        assertThat(s.has(SetattrValid.FATTR_SIZE | SetattrValid.FATTR_KILL_SUIDGID)).isTrue();
        assertThat(new long[] {s.fh(), s.size(), s.lockOwner(), s.atime(), s.mtime(), s.ctime()})
            .containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(new int[] {s.atimensec(), s.mtimensec(), s.ctimensec(), s.mode(), s.uid(), s.gid()})
            .containsExactly(7, 8, 9, 10, 11, 12);
    }

    @Test
    void symlinkMknodMkdirLink() {
        SymlinkIn s = ok(Opcode.SYMLINK, Frames.body(Opcode.SYMLINK)).symlinkIn();
        assertThat(s.name()).isEqualTo("link");
        assertThat(s.linkname()).isEqualTo("/target/path");
        assertThat(s.linknameIndex()).isEqualTo(45);
        MknodIn m = ok(Opcode.MKNOD, Le.le().u32(020644).u32(0x0801).u32(022).u32(0).cstr("dev").toBytes()).mknodIn();
        assertThat(new int[] {m.mode(), m.rdev(), m.umask()}).containsExactly(020644, 0x801, 022);
        assertThat(m.name()).isEqualTo("dev");
        MkdirIn d = ok(Opcode.MKDIR, Frames.body(Opcode.MKDIR)).mkdirIn();
        assertThat(d.mode()).isEqualTo(040755);
        assertThat(d.umask()).isEqualTo(022);
        assertThat(d.name()).isEqualTo("dir");
        LinkIn l = ok(Opcode.LINK, Frames.body(Opcode.LINK)).linkIn();
        assertThat(l.oldnodeid()).isEqualTo(12);
        assertThat(l.newname()).isEqualTo("hard");
    }

    @Test
    void renameAndRename2() {
        RenameIn r = ok(Opcode.RENAME, Frames.body(Opcode.RENAME)).renameIn();
        assertThat(r.newdir()).isEqualTo(7);
        assertThat(r.flags()).isZero();
        assertThat(r.oldname()).isEqualTo("old");
        assertThat(r.newname()).isEqualTo("new");
        RenameIn r2 = ok(Opcode.RENAME2, Le.le().u64(8).u32(Flags.RENAME_EXCHANGE).u32(0).cstr("a").cstr("b").toBytes()).renameIn();
        assertThat(r2.newdir()).isEqualTo(8);
        assertThat(r2.flags()).isEqualTo(2);
        assertThat(r2.oldname()).isEqualTo("a");
        assertThat(r2.newname()).isEqualTo("b");
        assertThat(f.rename()).isSameAs(r2);
    }

    @Test
    void openCreateTmpfile() {
        OpenIn o = ok(Opcode.OPEN, Le.le().u32(0101002).u32(OpenFlags.FUSE_OPEN_KILL_SUIDGID).toBytes()).openIn();
        assertThat(o.flags()).isEqualTo(0101002);
        assertThat(o.openFlags()).isEqualTo(1);
        assertThat(ok(Opcode.OPENDIR, Le.le().u32(0200000).u32(0).toBytes()).openIn().flags()).isEqualTo(0200000);
        for (Opcode op : new Opcode[] {Opcode.CREATE, Opcode.TMPFILE}) {
            CreateIn c = ok(op, Le.le().u32(0101).u32(0100600).u32(077).u32(1).cstr("c.txt").toBytes()).createIn();
            assertThat(new int[] {c.flags(), c.mode(), c.umask(), c.openFlags()}).containsExactly(0101, 0100600, 077, 1);
            assertThat(c.name()).isEqualTo("c.txt");
        }
    }

    @Test
    void readReaddirReaddirplus() {
        for (Opcode op : new Opcode[] {Opcode.READ, Opcode.READDIR, Opcode.READDIRPLUS}) {
            ReadIn r = ok(op, Frames.readBody(11, -4096L, 131072)).readIn();
            assertThat(r.fh()).isEqualTo(11);
            assertThat(r.offset()).isEqualTo(-4096L);
            assertThat(r.size()).isEqualTo(131072);
            assertThat(r.readFlags()).isEqualTo(2);
            assertThat(r.lockOwner()).isEqualTo(0x1234);
            assertThat(r.flags()).isEqualTo(0x8002);
            assertThat(f.read()).isSameAs(r);
        }
    }

    @Test
    void write128KiB() {
        byte[] data = new byte[128 * 1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        WriteIn w = ok(Opcode.WRITE, Frames.writeBody(3, 1L << 40, data)).writeIn();
        assertThat(w.fh()).isEqualTo(3);
        assertThat(w.offset()).isEqualTo(1L << 40);
        assertThat(w.size()).isEqualTo(data.length);
        assertThat(w.writeFlags()).isEqualTo(1);
        assertThat(w.lockOwner()).isEqualTo(77);
        assertThat(w.flags()).isEqualTo(0x8001);
        assertThat(w.dataIndex()).isEqualTo(80);
        assertThat(w.dataLength()).isEqualTo(data.length);
        byte[] got = new byte[w.dataLength()];
        w.buffer().getBytes(w.dataIndex(), got);
        assertThat(got).isEqualTo(data);
        assertThat(f.write()).isSameAs(w);
    }

    @Test
    void releaseFlushFsync() {
        ReleaseIn r = ok(Opcode.RELEASEDIR, Frames.body(Opcode.RELEASE)).releaseIn();
        assertThat(r.fh()).isEqualTo(11);
        assertThat(r.flags()).isEqualTo(0100002);
        assertThat(r.releaseFlags()).isEqualTo(Flags.RELEASE_FLUSH);
        assertThat(r.lockOwner()).isEqualTo(0x99);
        FlushIn fl = ok(Opcode.FLUSH, Frames.body(Opcode.FLUSH)).flushIn();
        assertThat(fl.fh()).isEqualTo(11);
        assertThat(fl.lockOwner()).isEqualTo(0x55);
        FsyncIn fs = ok(Opcode.FSYNCDIR, Frames.body(Opcode.FSYNC)).fsyncIn();
        assertThat(fs.fh()).isEqualTo(11);
        assertThat(fs.fsyncFlags()).isEqualTo(Flags.FSYNC_FDATASYNC);
    }

    @Test
    void xattrs() {
        SetxattrIn s = ok(Opcode.SETXATTR, Le.le().u32(5).u32(2).u32(Flags.SETXATTR_ACL_KILL_SGID).u32(0)
            .cstr("user.k").str("value").toBytes()).setxattrIn();
        assertThat(s.size()).isEqualTo(5);
        assertThat(s.flags()).isEqualTo(2);
        assertThat(s.setxattrFlags()).isEqualTo(1);
        assertThat(s.name()).isEqualTo("user.k");
        assertThat(s.valueLength()).isEqualTo(5);
        assertThat(s.buffer().toString(s.valueIndex(), s.valueLength(), StandardCharsets.UTF_8)).isEqualTo("value");
        GetxattrIn g = ok(Opcode.GETXATTR, Frames.body(Opcode.GETXATTR)).getxattrIn();
        assertThat(g.size()).isZero();
        assertThat(g.hasName()).isTrue();
        assertThat(g.name()).isEqualTo("security.capability");
        GetxattrIn l = ok(Opcode.LISTXATTR, Frames.body(Opcode.LISTXATTR)).getxattrIn();
        assertThat(l.size()).isEqualTo(4096);
        assertThat(l.hasName()).isFalse();
        assertThat(l.name()).isEmpty();
        assertThat(ok(Opcode.REMOVEXATTR, Le.le().cstr("user.x").toBytes()).nameIn().name()).isEqualTo("user.x");
    }

    @Test
    void setxattrWithoutExtIs8Bytes() {
        decoder.setSetxattrExt(false);
        SetxattrIn s = ok(Opcode.SETXATTR, Le.le().u32(3).u32(1).cstr("user.a").str("xyz").toBytes()).setxattrIn();
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.flags()).isEqualTo(1);
        assertThat(s.setxattrFlags()).isZero();
        assertThat(s.name()).isEqualTo("user.a");
        assertThat(s.valueIndex()).isEqualTo(40 + 8 + 7);
    }

    @Test
    void locks() {
        for (Opcode op : new Opcode[] {Opcode.GETLK, Opcode.SETLK, Opcode.SETLKW}) {
            LkIn l = ok(op, Le.le().u64(11).u64(0x77).u64(10).u64(20).u32(1).u32(321).u32(Flags.LK_FLOCK).u32(0).toBytes()).lkIn();
            assertThat(new long[] {l.fh(), l.owner(), l.lkStart(), l.lkEnd()}).containsExactly(11, 0x77, 10, 20);
            assertThat(new int[] {l.lkType(), l.lkPid(), l.lkFlags()}).containsExactly(1, 321, 1);
            io.purefuse.wire.out.FileLock fl = l.copyTo(new io.purefuse.wire.out.FileLock());
            assertThat(fl.end).isEqualTo(20);
        }
    }

    @Test
    void smallStructs() {
        assertThat(ok(Opcode.ACCESS, Frames.body(Opcode.ACCESS)).accessIn().mask()).isEqualTo(4);
        assertThat(ok(Opcode.INTERRUPT, Frames.body(Opcode.INTERRUPT)).interruptIn().unique()).isEqualTo(1000);
        BmapIn b = ok(Opcode.BMAP, Frames.body(Opcode.BMAP)).bmapIn();
        assertThat(b.block()).isEqualTo(10);
        assertThat(b.blocksize()).isEqualTo(4096);
        PollIn p = ok(Opcode.POLL, Frames.body(Opcode.POLL)).pollIn();
        assertThat(new long[] {p.fh(), p.kh(), p.flags(), p.events()}).containsExactly(11, 5, 1, 1);
        FallocateIn fa = ok(Opcode.FALLOCATE, Frames.body(Opcode.FALLOCATE)).fallocateIn();
        assertThat(new long[] {fa.fh(), fa.offset(), fa.length(), fa.mode()}).containsExactly(11, 0, 1 << 20, 1);
        LseekIn ls = ok(Opcode.LSEEK, Frames.body(Opcode.LSEEK)).lseekIn();
        assertThat(new long[] {ls.fh(), ls.offset(), ls.whence()}).containsExactly(11, 100, 3);
        SetupmappingIn sm = ok(Opcode.SETUPMAPPING, Frames.body(Opcode.SETUPMAPPING)).setupmappingIn();
        assertThat(new long[] {sm.fh(), sm.foffset(), sm.len(), sm.flags(), sm.moffset()}).containsExactly(1, 2, 3, 4, 5);
        RemovemappingIn rm = ok(Opcode.REMOVEMAPPING, Frames.body(Opcode.REMOVEMAPPING)).removemappingIn();
        assertThat(rm.count()).isEqualTo(1);
        assertThat(rm.moffset(0)).isEqualTo(10);
        assertThat(rm.len(0)).isEqualTo(20);
        assertThat(ok(Opcode.SYNCFS, Frames.body(Opcode.SYNCFS)).syncfsIn().padding()).isZero();
        StatxIn sx = ok(Opcode.STATX, Frames.body(Opcode.STATX)).statxIn();
        assertThat(new long[] {sx.getattrFlags(), sx.fh(), sx.sxFlags(), sx.sxMask()}).containsExactly(1, 11, 0, 0xfff);
        for (Opcode op : new Opcode[] {Opcode.COPY_FILE_RANGE, Opcode.COPY_FILE_RANGE_64}) {
            CopyFileRangeIn c = ok(op, Le.le().u64(1).u64(2).u64(3).u64(4).u64(5).u64(6).u64(7).toBytes()).copyFileRangeIn();
            assertThat(new long[] {c.fhIn(), c.offIn(), c.nodeidOut(), c.fhOut(), c.offOut(), c.len(), c.flags()})
                .containsExactly(1, 2, 3, 4, 5, 6, 7);
        }
    }

    @Test
    void ioctlAndNotifyReply() {
        IoctlIn io = ok(Opcode.IOCTL, Frames.body(Opcode.IOCTL)).ioctlIn();
        assertThat(io.fh()).isEqualTo(11);
        assertThat(io.cmd()).isEqualTo(0x5401);
        assertThat(io.arg()).isEqualTo(0xdead);
        assertThat(io.inSize()).isEqualTo(3);
        assertThat(io.outSize()).isEqualTo(8);
        assertThat(io.dataLength()).isEqualTo(3);
        assertThat(io.dataIndex()).isEqualTo(72);
        NotifyRetrieveIn n = ok(Opcode.NOTIFY_REPLY, Frames.body(Opcode.NOTIFY_REPLY)).notifyRetrieveIn();
        assertThat(n.offset()).isEqualTo(4096);
        assertThat(n.size()).isEqualTo(4);
        assertThat(n.dataLength()).isEqualTo(4);
        assertThat(n.buffer().toString(n.dataIndex(), 4, StandardCharsets.US_ASCII)).isEqualTo("data");
    }

    @Test
    void initNewAndOld() {
        InitIn i = ok(Opcode.INIT, Frames.initBody()).initIn();
        assertThat(i.major()).isEqualTo(7);
        assertThat(i.minor()).isEqualTo(45);
        assertThat(i.maxReadahead()).isEqualTo(131072);
        assertThat(i.flags()).isEqualTo(0x73fffffb);
        assertThat(i.flags2()).isEqualTo(0x5fd);
        assertThat(i.flags64()).isEqualTo(0x73fffffbL | (0x5fdL << 32));
        InitIn old = ok(Opcode.INIT, Le.le().u32(7).u32(22).u32(65536).u32(0x3fff).toBytes()).initIn();
        assertThat(old.minor()).isEqualTo(22);
        assertThat(old.maxReadahead()).isEqualTo(65536);
        assertThat(old.flags()).isEqualTo(0x3fff);
        assertThat(old.flags2()).isZero();
        assertThat(old.flags64()).isEqualTo(0x3fff);
        // flags2 ignored without INIT_EXT
        InitIn noExt = ok(Opcode.INIT, Le.le().u32(7).u32(45).u32(0).u32(1).u32(0xff).zeros(44).toBytes()).initIn();
        assertThat(noExt.flags64()).isEqualTo(1);
        CuseInitIn c = ok(Opcode.CUSE_INIT, Frames.body(Opcode.CUSE_INIT)).cuseInitIn();
        assertThat(c.major()).isEqualTo(7);
        assertThat(c.flags()).isEqualTo(1);
    }

    @Test
    void bodilessOpcodes() {
        for (Opcode op : new Opcode[] {Opcode.READLINK, Opcode.STATFS, Opcode.DESTROY}) {
            RequestFrame r = ok(op, new byte[0]);
            assertThat(r.<InStruct>body()).isNull();
            assertThat(r.bodyLength()).isZero();
        }
    }

    @Test
    void extensionsAreSkipped() {
        // CREATE with a supplementary groups extension: ext header {size 16, type 32} + nr_groups 1 + gid
        byte[] body = Le.le().bytes(Frames.body(Opcode.CREATE)).u32(16).u32(Flags.EXT_GROUPS).u32(1).u32(100).toBytes();
        RequestFrame r = ok(Le.request(Opcode.CREATE.code(), 3, 1, 0, 0, 1, 2, body));
        assertThat(r.totalExtlen()).isEqualTo(2);
        assertThat(r.extensionsLength()).isEqualTo(16);
        assertThat(r.extensionsIndex()).isEqualTo(40 + Frames.body(Opcode.CREATE).length);
        assertThat(r.createIn().name()).isEqualTo("new.txt");
        // an extension that claims more than it has
        byte[] bad = Le.le().bytes(Frames.body(Opcode.CREATE)).u32(24).u32(32).u32(1).u32(100).toBytes();
        assertThat(decoder.decode(Unpooled.wrappedBuffer(Le.request(35, 3, 1, 0, 0, 1, 2, bad)), f))
            .isEqualTo(DecodeStatus.MALFORMED);
        assertThat(f.errno()).isEqualTo(Errno.EINVAL);
        assertThat(f.reason()).isEqualTo(RequestDecoder.REASON_BAD_EXTENSION);
    }

    private void expect(byte[] frame, DecodeStatus status, int errno, String reason) {
        assertThat(decoder.decode(Unpooled.wrappedBuffer(frame), f)).isEqualTo(status);
        assertThat(f.status()).isEqualTo(status);
        assertThat(f.errno()).isEqualTo(errno);
        assertThat(f.reason()).isEqualTo(reason);
    }

    @Test
    void malformedFrames() {
        expect(new byte[15], DecodeStatus.TOO_SHORT, Errno.EIO, RequestDecoder.REASON_TOO_SHORT);
        byte[] lookup = Frames.frame(Opcode.LOOKUP, 77);
        expect(java.util.Arrays.copyOf(lookup, 30), DecodeStatus.MALFORMED, Errno.EIO, RequestDecoder.REASON_HEADER_TOO_SHORT);
        assertThat(f.unique()).isEqualTo(77);
        expect(java.util.Arrays.copyOf(lookup, lookup.length + 1), DecodeStatus.MALFORMED, Errno.EIO,
            RequestDecoder.REASON_LEN_MISMATCH);
        expect(java.util.Arrays.copyOf(lookup, lookup.length - 1), DecodeStatus.MALFORMED, Errno.EIO,
            RequestDecoder.REASON_LEN_MISMATCH);
        // name without NUL
        expect(Le.request(1, 77, 1, Le.le().str("abc").toBytes()), DecodeStatus.MALFORMED, Errno.EIO,
            RequestDecoder.REASON_NAME_NOT_TERMINATED);
        // rename with one name only
        expect(Le.request(12, 77, 1, Le.le().u64(1).cstr("a").toBytes()), DecodeStatus.MALFORMED, Errno.EIO,
            RequestDecoder.REASON_NAME_NOT_TERMINATED);
        // struct too short
        expect(Le.request(15, 77, 1, new byte[39]), DecodeStatus.MALFORMED, Errno.EIO, RequestDecoder.REASON_STRUCT_TOO_SHORT);
        // write data shorter than size
        byte[] w = Frames.writeBody(1, 0, new byte[10]);
        expect(Le.request(16, 77, 1, java.util.Arrays.copyOf(w, w.length - 1)), DecodeStatus.MALFORMED, Errno.EIO,
            RequestDecoder.REASON_DATA_TOO_SHORT);
        // batch forget count too large, also a count that would overflow 32 bits
        expect(Le.request(42, 77, 0, Le.le().u32(3).u32(0).u64(1).u64(1).toBytes()), DecodeStatus.MALFORMED,
            Errno.EIO, RequestDecoder.REASON_DATA_TOO_SHORT);
        expect(Le.request(42, 77, 0, Le.le().u32(0xffffffffL).u32(0).toBytes()), DecodeStatus.MALFORMED,
            Errno.EIO, RequestDecoder.REASON_DATA_TOO_SHORT);
        // setxattr value too long
        expect(Le.request(21, 77, 1, Le.le().u32(10).u32(0).u32(0).u32(0).cstr("user.a").str("x").toBytes()),
            DecodeStatus.MALFORMED, Errno.EIO, RequestDecoder.REASON_DATA_TOO_SHORT);
        // ioctl in_size too long
        expect(Le.request(39, 77, 1, Le.le().u64(1).u32(0).u32(1).u64(0).u32(100).u32(0).toBytes()),
            DecodeStatus.MALFORMED, Errno.EIO, RequestDecoder.REASON_DATA_TOO_SHORT);
        // extlen beyond the frame
        expect(Le.request(1, 77, 1, 0, 0, 0, 5, Le.le().cstr("a").toBytes()), DecodeStatus.MALFORMED, Errno.EIO,
            RequestDecoder.REASON_EXTLEN_TOO_LONG);
        // unknown opcode
        expect(Le.request(7, 77, 1, new byte[0]), DecodeStatus.UNKNOWN_OPCODE, Errno.ENOSYS, RequestDecoder.REASON_UNKNOWN_OPCODE);
        assertThat(f.rawOpcode()).isEqualTo(7);
        assertThat(f.opcode()).isNull();
        assertThat(f.unique()).isEqualTo(77);
        expect(Le.request(999, 78, 1, new byte[8]), DecodeStatus.UNKNOWN_OPCODE, Errno.ENOSYS, RequestDecoder.REASON_UNKNOWN_OPCODE);
    }

    @Test
    void compatSizesForOldMinors() {
        decoder.setMinor(8);
        decoder.setSetxattrExt(false);
        // GETATTR without body before 7.9
        GetattrIn g = ok(Opcode.GETATTR, new byte[0]).getattrIn();
        assertThat(g.fh()).isZero();
        assertThat(g.getattrFlags()).isZero();
        // 24-byte read_in and write_in
        ReadIn r = ok(Opcode.READ, Le.le().u64(1).u64(2).u32(3).u32(0).toBytes()).readIn();
        assertThat(r.size()).isEqualTo(3);
        assertThat(r.lockOwner()).isZero();
        assertThat(r.flags()).isZero();
        WriteIn w = ok(Opcode.WRITE, Le.le().u64(1).u64(2).u32(3).u32(0).str("abc").toBytes()).writeIn();
        assertThat(w.dataIndex()).isEqualTo(64);
        assertThat(w.lockOwner()).isZero();
        assertThat(w.flags()).isZero();
        // 40-byte lk_in
        LkIn l = ok(Opcode.SETLK, Le.le().u64(1).u64(2).u64(3).u64(4).u32(1).u32(5).toBytes()).lkIn();
        assertThat(l.lkPid()).isEqualTo(5);
        assertThat(l.lkFlags()).isZero();
        // 8-byte mknod_in and create (open_in) before 7.12
        decoder.setMinor(11);
        MknodIn m = ok(Opcode.MKNOD, Le.le().u32(010644).u32(0).cstr("fifo").toBytes()).mknodIn();
        assertThat(m.umask()).isZero();
        assertThat(m.name()).isEqualTo("fifo");
        CreateIn c = ok(Opcode.CREATE, Le.le().u32(0101).u32(0100644).cstr("f").toBytes()).createIn();
        assertThat(c.mode()).isEqualTo(0100644);
        assertThat(c.umask()).isZero();
        assertThat(c.openFlags()).isZero();
        assertThat(c.name()).isEqualTo("f");
        // 16-byte release_in before 7.8
        decoder.setMinor(7);
        ReleaseIn rel = ok(Opcode.RELEASE, Le.le().u64(9).u32(2).u32(0).toBytes()).releaseIn();
        assertThat(rel.fh()).isEqualTo(9);
        assertThat(rel.lockOwner()).isZero();
        // at 7.45 a 24-byte read is too short
        decoder.setMinor(45);
        assertThat(decoder.decode(Unpooled.wrappedBuffer(Le.request(15, 1, 1, new byte[24])), f))
            .isEqualTo(DecodeStatus.MALFORMED);
        assertThat(Protocol.entryOutSize(8)).isEqualTo(120);
        assertThat(Protocol.entryOutSize(9)).isEqualTo(128);
        assertThat(Protocol.attrOutSize(8)).isEqualTo(96);
        assertThat(Protocol.attrOutSize(12)).isEqualTo(104);
        assertThat(Protocol.initOutSize(4)).isEqualTo(8);
        assertThat(Protocol.initOutSize(22)).isEqualTo(24);
        assertThat(Protocol.initOutSize(23)).isEqualTo(64);
        assertThat(Protocol.statfsOutSize(3)).isEqualTo(48);
        assertThat(Protocol.statfsOutSize(4)).isEqualTo(80);
    }

    @Test
    void errnoNames() {
        assertThat(Errno.name(Errno.ENOENT)).isEqualTo("ENOENT");
        assertThat(Errno.name(-Errno.EILSEQ)).isEqualTo("EILSEQ");
        assertThat(Errno.name(Errno.ENOTSUP)).isEqualTo("EOPNOTSUPP");
        assertThat(Errno.name(500)).isEqualTo("E500");
        assertThat(InitFlags.describe(InitFlags.ASYNC_READ | InitFlags.REQUEST_TIMEOUT | (1L << 50)))
            .isEqualTo("ASYNC_READ|REQUEST_TIMEOUT|bit50");
        assertThat(NotifyCode.of(9)).isEqualTo(NotifyCode.PRUNE);
        assertThat(NotifyCode.of(10)).isNull();
    }
}
