package io.purefuse.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.purefuse.wire.debug.StructPrinter;
import io.purefuse.wire.in.*;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Randomized robustness: valid frames of every opcode, mutated (bit flips, truncation,
 * extension, len changes, NUL removal, random opcodes and extlen, random bytes), must never make
 * the decoder throw; OK frames must have every accessor callable. Seed: -Dfuzz.seed=N;
 * iterations: -Dfuzz.iterations=N (default 1,000,000; the {@code fuzz-10m} Maven profile of this module
 * runs 10,000,000: {@code mvn -B -ntp -Pfuzz-10m -pl fuse-wire verify}).
 */
class DecoderFuzzTest {

    @Test
    void millionMutatedFrames() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int iterations = Integer.getInteger("fuzz.iterations", 1_000_000);
        System.out.println("DecoderFuzzTest seed=" + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
        SplittableRandom rnd = new SplittableRandom(seed);
        List<byte[]> seeds = new ArrayList<>(Frames.all());
        seeds.add(Le.request(Opcode.WRITE.code(), 1, 1, Frames.writeBody(1, 0, new byte[70000])));
        seeds.add(Le.request(Opcode.INIT.code(), 1, 0, Le.le().u32(7).u32(22).u32(0).u32(0).toBytes()));
        byte[] ext = Le.le().bytes(Frames.body(Opcode.CREATE)).u32(16).u32(32).u32(1).u32(5).toBytes();
        seeds.add(Le.request(Opcode.CREATE.code(), 1, 1, 0, 0, 0, 2, ext));

        RequestDecoder decoder = new RequestDecoder();
        RequestFrame f = new RequestFrame();
        ByteBuf buf = Unpooled.buffer(1 << 17);
        Map<DecodeStatus, Integer> counts = new EnumMap<>(DecodeStatus.class);
        int[] minors = {45, 45, 45, 38, 22, 12, 11, 8, 7, 4};
        long start = System.nanoTime();
        byte[] scratch = new byte[1 << 17];
        for (int it = 0; it < iterations; it++) {
            byte[] base = seeds.get(rnd.nextInt(seeds.size()));
            int n = mutate(rnd, base, scratch);
            decoder.setMinor(minors[rnd.nextInt(minors.length)]);
            decoder.setSetxattrExt(rnd.nextBoolean());
            buf.clear();
            int pre = rnd.nextInt(4) == 0 ? rnd.nextInt(16) : 0;
            buf.writerIndex(pre);
            buf.readerIndex(pre);
            buf.writeBytes(scratch, 0, n);
            DecodeStatus s;
            try {
                s = decoder.decode(buf, f);
                assertThat(s).isNotNull();
                assertThat(f.status()).isSameAs(s);
                if (s == DecodeStatus.OK) {
                    touch(f);
                    if ((it & 63) == 0) {
                        StructPrinter.request(f);
                    }
                } else {
                    assertThat(f.errno()).isPositive();
                    assertThat(f.reason()).isNotNull();
                }
            } catch (Throwable t) {
                throw new AssertionError("iteration " + it + " seed " + seed + " frame "
                    + io.netty.buffer.ByteBufUtil.hexDump(scratch, 0, Math.min(n, 256)), t);
            }
            counts.merge(s, 1, Integer::sum);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("DecoderFuzzTest " + iterations + " frames in " + ms + " ms: " + counts);
        assertThat(counts.keySet()).contains(DecodeStatus.OK, DecodeStatus.MALFORMED, DecodeStatus.UNKNOWN_OPCODE,
            DecodeStatus.TOO_SHORT);
    }

    private static int mutate(SplittableRandom r, byte[] base, byte[] out) {
        int n = base.length;
        System.arraycopy(base, 0, out, 0, n);
        int ops = 1 + r.nextInt(3);
        for (int k = 0; k < ops; k++) {
            switch (r.nextInt(10)) {
                case 0: { // bit flips
                    int flips = 1 + r.nextInt(4);
                    for (int i = 0; i < flips && n > 0; i++) {
                        int p = r.nextInt(n);
                        out[p] ^= (byte) (1 << r.nextInt(8));
                    }
                    break;
                }
                case 1: // truncate, keep len consistent half of the time
                    n = r.nextInt(n + 1);
                    if (r.nextBoolean()) {
                        setLen(out, n);
                    }
                    break;
                case 2: { // extend with random bytes
                    int add = r.nextInt(64);
                    for (int i = 0; i < add && n < out.length; i++) {
                        out[n++] = (byte) r.nextInt(256);
                    }
                    if (r.nextBoolean()) {
                        setLen(out, n);
                    }
                    break;
                }
                case 3: // len field changes
                    if (n >= 4) {
                        int v = r.nextBoolean() ? r.nextInt() : n + r.nextInt(-8, 9);
                        writeInt(out, 0, v);
                    }
                    break;
                case 4: // remove every NUL in the body
                    for (int i = 40; i < n; i++) {
                        if (out[i] == 0 && r.nextInt(3) == 0) {
                            out[i] = 'x';
                        }
                    }
                    break;
                case 5: // random opcode (often a valid one)
                    if (n >= 8) {
                        int op = r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(60);
                        if (r.nextInt(20) == 0) {
                            op = 4096;
                        }
                        writeInt(out, 4, op);
                    }
                    break;
                case 6: // random total_extlen
                    if (n >= 40) {
                        out[36] = (byte) r.nextInt(4);
                        out[37] = (byte) (r.nextInt(8) == 0 ? r.nextInt(256) : 0);
                    }
                    break;
                case 7: // random u32 at a random aligned body position (sizes, counts)
                    if (n >= 44) {
                        int p = 40 + 4 * r.nextInt((n - 40) / 4);
                        int v = r.nextBoolean() ? r.nextInt() : r.nextInt(200);
                        writeInt(out, p, v);
                    }
                    break;
                case 8: { // totally random frame
                    n = r.nextInt(200);
                    for (int i = 0; i < n; i++) {
                        out[i] = (byte) r.nextInt(256);
                    }
                    if (r.nextBoolean() && n >= 4) {
                        setLen(out, n);
                    }
                    break;
                }
                default: // keep valid
                    break;
            }
        }
        return n;
    }

    private static void setLen(byte[] b, int n) {
        if (n >= 4) {
            writeInt(b, 0, n);
        }
    }

    private static void writeInt(byte[] b, int p, int v) {
        b[p] = (byte) v;
        b[p + 1] = (byte) (v >>> 8);
        b[p + 2] = (byte) (v >>> 16);
        b[p + 3] = (byte) (v >>> 24);
    }

    static long sink;

    /** Calls every accessor of the bound body. */
    static void touch(RequestFrame f) {
        long s = f.len() + f.rawOpcode() + f.unique() + f.nodeid() + f.uid() + f.gid() + f.pid()
            + f.totalExtlen() + f.extensionsIndex() + f.extensionsLength() + f.bodyIndex() + f.bodyLength();
        InStruct b = f.body();
        if (b != null) {
            s += b.structIndex() + b.structLength();
        }
        switch (f.opcode().body()) {
            case INIT: { InitIn x = f.initIn(); s += x.major() + x.minor() + x.maxReadahead() + x.flags() + x.flags2() + x.flags64(); break; }
            case CUSE_INIT: { CuseInitIn x = f.cuseInitIn(); s += x.major() + x.minor() + x.unused() + x.flags(); break; }
            case GETATTR: { GetattrIn x = f.getattrIn(); s += x.getattrFlags() + x.fh(); break; }
            case SETATTR: { SetattrIn x = f.setattrIn(); s += x.valid() + x.fh() + x.size() + x.lockOwner() + x.atime() + x.mtime() + x.ctime() + x.atimensec() + x.mtimensec() + x.ctimensec() + x.mode() + x.uid() + x.gid(); break; }
            case NAME: { NameIn x = f.nameIn(); s += x.name().length() + (x.nameIsValidUtf8() ? 1 : 0) + x.nameBytes().length + x.nameIndex(); break; }
            case SYMLINK: { SymlinkIn x = f.symlinkIn(); s += x.name().length() + x.linkname().length() + (x.linknameIsValidUtf8() ? 1 : 0); break; }
            case MKNOD: { MknodIn x = f.mknodIn(); s += x.mode() + x.rdev() + x.umask() + x.name().length(); break; }
            case MKDIR: { MkdirIn x = f.mkdirIn(); s += x.mode() + x.umask() + x.name().length(); break; }
            case RENAME: case RENAME2: { RenameIn x = f.renameIn(); s += x.newdir() + x.flags() + x.oldname().length() + x.newname().length() + (x.newnameIsValidUtf8() ? 1 : 0); break; }
            case LINK: { LinkIn x = f.linkIn(); s += x.oldnodeid() + x.newname().length(); break; }
            case OPEN: { OpenIn x = f.openIn(); s += x.flags() + x.openFlags(); break; }
            case CREATE: { CreateIn x = f.createIn(); s += x.flags() + x.mode() + x.umask() + x.openFlags() + x.name().length(); break; }
            case READ: { ReadIn x = f.readIn(); s += x.fh() + x.offset() + x.size() + x.readFlags() + x.lockOwner() + x.flags(); break; }
            case WRITE: { WriteIn x = f.writeIn(); s += x.fh() + x.offset() + x.size() + x.writeFlags() + x.lockOwner() + x.flags() + x.dataIndex() + x.dataLength();
                if (x.dataLength() > 0) { s += x.buffer().getByte(x.dataIndex() + x.dataLength() - 1); } break; }
            case RELEASE: { ReleaseIn x = f.releaseIn(); s += x.fh() + x.flags() + x.releaseFlags() + x.lockOwner(); break; }
            case FLUSH: { FlushIn x = f.flushIn(); s += x.fh() + x.unused() + x.lockOwner(); break; }
            case FSYNC: { FsyncIn x = f.fsyncIn(); s += x.fh() + x.fsyncFlags(); break; }
            case SETXATTR: { SetxattrIn x = f.setxattrIn(); s += x.size() + x.flags() + x.setxattrFlags() + x.name().length() + x.valueSlice().readableBytes(); break; }
            case GETXATTR: case LISTXATTR: { GetxattrIn x = f.getxattrIn(); s += x.size() + x.name().length() + (x.hasName() ? 1 : 0) + x.nameBytes().length; break; }
            case LK: { LkIn x = f.lkIn(); s += x.fh() + x.owner() + x.lkStart() + x.lkEnd() + x.lkType() + x.lkPid() + x.lkFlags(); break; }
            case ACCESS: s += f.accessIn().mask(); break;
            case INTERRUPT: s += f.interruptIn().unique(); break;
            case BMAP: { BmapIn x = f.bmapIn(); s += x.block() + x.blocksize(); break; }
            case IOCTL: { IoctlIn x = f.ioctlIn(); s += x.fh() + x.flags() + x.cmd() + x.arg() + x.inSize() + x.outSize() + x.dataSlice().readableBytes(); break; }
            case POLL: { PollIn x = f.pollIn(); s += x.fh() + x.kh() + x.flags() + x.events(); break; }
            case FORGET: s += f.forgetIn().nlookup(); break;
            case BATCH_FORGET: { BatchForgetIn x = f.batchForgetIn(); for (int i = 0; i < x.count(); i++) { s += x.nodeid(i) + x.nlookup(i); } break; }
            case FALLOCATE: { FallocateIn x = f.fallocateIn(); s += x.fh() + x.offset() + x.length() + x.mode(); break; }
            case LSEEK: { LseekIn x = f.lseekIn(); s += x.fh() + x.offset() + x.whence(); break; }
            case COPY_FILE_RANGE: { CopyFileRangeIn x = f.copyFileRangeIn(); s += x.fhIn() + x.offIn() + x.nodeidOut() + x.fhOut() + x.offOut() + x.len() + x.flags(); break; }
            case SETUPMAPPING: { SetupmappingIn x = f.setupmappingIn(); s += x.fh() + x.foffset() + x.len() + x.flags() + x.moffset(); break; }
            case REMOVEMAPPING: { RemovemappingIn x = f.removemappingIn(); for (int i = 0; i < x.count(); i++) { s += x.moffset(i) + x.len(i); } break; }
            case SYNCFS: s += f.syncfsIn().padding(); break;
            case STATX: { StatxIn x = f.statxIn(); s += x.getattrFlags() + x.fh() + x.sxFlags() + x.sxMask(); break; }
            case NOTIFY_REPLY: { NotifyRetrieveIn x = f.notifyRetrieveIn(); s += x.offset() + x.size() + x.dataSlice().readableBytes(); break; }
            case NONE: break;
            default: throw new AssertionError(f.opcode());
        }
        sink += s;
    }
}
