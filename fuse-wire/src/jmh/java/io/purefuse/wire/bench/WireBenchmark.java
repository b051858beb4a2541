package io.purefuse.wire.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.purefuse.wire.DecodeStatus;
import io.purefuse.wire.Opcode;
import io.purefuse.wire.ReplyEncoder;
import io.purefuse.wire.RequestDecoder;
import io.purefuse.wire.RequestFrame;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.EntryOut;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Decode and encode costs of the hot requests. Run with
 * {@code mvn -Pbench -pl fuse-wire test-compile} and the JMH main class (see the profile in pom.xml).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WireBenchmark {
    private final RequestDecoder decoder = new RequestDecoder();
    private final RequestFrame frame = new RequestFrame();
    private final EntryOut entry = new EntryOut();
    private final Attr attr = new Attr();
    private ByteBuf lookup;
    private ByteBuf getattr;
    private ByteBuf read;
    private ByteBuf write;
    private ByteBuf out;

    private static ByteBuf frame(int opcode, long unique, long nodeid, ByteBuf body) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(40 + body.readableBytes());
        b.writeIntLE(40 + body.readableBytes()).writeIntLE(opcode).writeLongLE(unique).writeLongLE(nodeid);
        b.writeIntLE(1000).writeIntLE(1000).writeIntLE(4242).writeIntLE(0);
        b.writeBytes(body);
        body.release();
        return b;
    }

    private static ByteBuf body() {
        return PooledByteBufAllocator.DEFAULT.heapBuffer();
    }

    @Setup
    public void setup() {
        lookup = frame(Opcode.LOOKUP.code(), 10, 1, body().writeBytes("some-file-name.txt\0".getBytes()));
        getattr = frame(Opcode.GETATTR.code(), 12, 5, body().writeIntLE(0).writeIntLE(0).writeLongLE(0));
        read = frame(Opcode.READ.code(), 14, 5, body().writeLongLE(3).writeLongLE(1 << 20).writeIntLE(131072)
            .writeIntLE(0).writeLongLE(0).writeIntLE(0x8000).writeIntLE(0));
        ByteBuf w = body().writeLongLE(3).writeLongLE(1 << 20).writeIntLE(131072).writeIntLE(0).writeLongLE(0)
            .writeIntLE(0x8001).writeIntLE(0);
        w.writeZero(131072);
        write = frame(Opcode.WRITE.code(), 16, 5, w);
        out = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
        entry.nodeid(5).generation(1).entryValid(1, 0).attrValid(1, 0);
        entry.attr().ino(5).size(4096).blocks(8).mode(0100644).nlink(1).uid(1000).gid(1000).blksize(4096);
        attr.copyFrom(entry.attr());
    }

    @TearDown
    public void tearDown() {
        lookup.release();
        getattr.release();
        read.release();
        write.release();
        out.release();
    }

    @Benchmark
    public int decodeLookup() {
        if (decoder.decode(lookup, frame) != DecodeStatus.OK) {
            throw new AssertionError();
        }
        return frame.nameIn().nameLength();
    }

    @Benchmark
    public long decodeGetattr() {
        decoder.decode(getattr, frame);
        return frame.getattrIn().fh() + frame.nodeid();
    }

    @Benchmark
    public long decodeRead() {
        decoder.decode(read, frame);
        return frame.readIn().offset() + frame.readIn().size();
    }

    @Benchmark
    public int decodeWrite128k() {
        decoder.decode(write, frame);
        return frame.writeIn().dataIndex() + frame.writeIn().size();
    }

    @Benchmark
    public int encodeEntry() {
        out.clear();
        return ReplyEncoder.entry(out, 10, entry, 45);
    }

    @Benchmark
    public int encodeAttr() {
        out.clear();
        return ReplyEncoder.attr(out, 12, 1, 0, attr, 45);
    }

    @Benchmark
    public int encodeDataHeader() {
        out.clear();
        return ReplyEncoder.dataHeader(out, 14, 131072);
    }
}
