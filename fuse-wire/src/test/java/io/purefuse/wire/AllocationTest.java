package io.purefuse.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.EntryOut;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The hot paths (decode LOOKUP/GETATTR/READ/WRITE 128 KiB, encode entry/attr/data header) allocate nothing. */
class AllocationTest {
    private static final int ITERATIONS = 100_000;
    private static final long SLACK = 4096;

    private static com.sun.management.ThreadMXBean bean() {
        return (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    }

    private static ByteBuf direct(byte[] frame) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(frame.length);
        b.writeBytes(frame);
        return b;
    }

    static long sink;

    @Test
    void decodeAndEncodeAllocateNothing() {
        com.sun.management.ThreadMXBean bean = bean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported());
        bean.setThreadAllocatedMemoryEnabled(true);
        ByteBuf lookup = direct(Frames.frame(Opcode.LOOKUP, 10));
        ByteBuf getattr = direct(Frames.frame(Opcode.GETATTR, 12));
        ByteBuf read = direct(Frames.frame(Opcode.READ, 14));
        ByteBuf write = direct(Le.request(Opcode.WRITE.code(), 16, 5, Frames.writeBody(1, 0, new byte[128 * 1024])));
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
        RequestDecoder decoder = new RequestDecoder();
        RequestFrame f = new RequestFrame();
        EntryOut e = ReplyEncoderTest.entry();
        Attr a = ReplyEncoderTest.attr();
        try {
            for (int round = 0; round < 3; round++) {
                long t = Thread.currentThread().getId();
                long before = bean.getThreadAllocatedBytes(t);
                loop(decoder, f, lookup, getattr, read, write, out, e, a);
                long used = bean.getThreadAllocatedBytes(t) - before;
                System.out.println("AllocationTest round " + round + ": " + used + " bytes for " + ITERATIONS + " iterations");
                if (round == 2) {
                    assertThat(used).as("bytes allocated by %d iterations", ITERATIONS).isLessThan(SLACK);
                }
            }
        } finally {
            lookup.release();
            getattr.release();
            read.release();
            write.release();
            out.release();
        }
    }

    private static void loop(RequestDecoder d, RequestFrame f, ByteBuf lookup, ByteBuf getattr, ByteBuf read,
                             ByteBuf write, ByteBuf out, EntryOut e, Attr a) {
        long s = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            if (d.decode(lookup, f) != DecodeStatus.OK) {
                throw new AssertionError();
            }
            s += f.nameIn().nameLength() + (f.nameIn().nameIsValidUtf8() ? 1 : 0);
            out.clear();
            ReplyEncoder.entry(out, f.unique(), e, 45);
            d.decode(getattr, f);
            s += f.getattrIn().fh();
            out.clear();
            ReplyEncoder.attr(out, f.unique(), 1, 0, a, 45);
            d.decode(read, f);
            s += f.readIn().size() + f.readIn().offset();
            out.clear();
            ReplyEncoder.dataHeader(out, f.unique(), f.readIn().size());
            d.decode(write, f);
            s += f.writeIn().dataIndex() + f.writeIn().size();
            out.clear();
            ReplyEncoder.write(out, f.unique(), f.writeIn().size());
        }
        sink += s;
    }
}
