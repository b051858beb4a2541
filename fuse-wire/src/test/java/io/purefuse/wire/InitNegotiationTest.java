package io.purefuse.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.purefuse.wire.debug.StructPrinter;
import io.purefuse.wire.in.InitIn;
import io.purefuse.wire.init.InitNegotiation;
import io.purefuse.wire.init.InitOptions;
import io.purefuse.wire.init.NegotiatedInit;
import org.junit.jupiter.api.Test;

class InitNegotiationTest {
    private final RequestDecoder decoder = new RequestDecoder();
    private final RequestFrame f = new RequestFrame();
    private final ByteBuf out = Unpooled.buffer();

    private InitIn offer(byte[] body) {
        assertThat(decoder.decode(Unpooled.wrappedBuffer(Le.request(26, 2, 0, body)), f)).isEqualTo(DecodeStatus.OK);
        return f.initIn();
    }

    private InitIn kernel645() {
        return offer(Frames.initBody());
    }

    @Test
    void modernKernel() {
        InitOptions o = new InitOptions();
        NegotiatedInit n = InitNegotiation.negotiate(kernel645(), o);
        assertThat(n.ok()).isTrue();
        assertThat(n.major()).isEqualTo(7);
        assertThat(n.minor()).isEqualTo(45);
        assertThat(n.flags()).isEqualTo(InitOptions.DEFAULT_FLAGS | InitFlags.INIT_EXT);
        assertThat(n.has(InitFlags.MAX_PAGES)).isTrue();
        assertThat(n.maxReadahead()).isEqualTo(131072);
        assertThat(n.maxWrite()).isEqualTo(1 << 20);
        assertThat(n.maxPages()).isEqualTo(256);
        assertThat(n.maxBackground()).isEqualTo(64);
        assertThat(n.congestionThreshold()).isEqualTo(48);
        assertThat(n.timeGran()).isEqualTo(1);
        assertThat(n.readBufferSize()).isEqualTo((1 << 20) + 4096);
        assertThat(InitNegotiation.encodeReply(out, 2, n)).isEqualTo(80);
        byte[] expect = Le.reply(2, 0, Le.le().u32(7).u32(45).u32(131072).u32(n.flags() & 0xffffffffL)
            .u16(64).u16(48).u32(1 << 20).u32(1).u16(256).u16(0).u32(n.flags() >>> 32).u32(0).u16(0).zeros(22).toBytes());
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(expect);
        String json = StructPrinter.reply(new StringBuilder(), Opcode.INIT, 45, out, 0, out.readableBytes()).toString();
        assertThat(json).startsWith("{\"major\":7,\"minor\":45,\"max_readahead\":131072,").contains("\"max_pages\":256");
    }

    @Test
    void flags2NeedInitExtAndOnlyOfferedFlagsAreGranted() {
        InitOptions o = new InitOptions().flags(InitFlags.ASYNC_READ | InitFlags.PASSTHROUGH | InitFlags.OVER_IO_URING);
        NegotiatedInit n = InitNegotiation.negotiate(kernel645(), o);
        // OVER_IO_URING (bit 41) is not offered (flags2 0x5fd has bit 9 clear)
        assertThat(n.flags()).isEqualTo(InitFlags.ASYNC_READ | InitFlags.PASSTHROUGH | InitFlags.INIT_EXT);
        assertThat(n.maxStackDepth()).isEqualTo(1);
        InitNegotiation.encodeReply(out, 2, n);
        assertThat(out.getIntLE(16 + 32)).as("flags2: PASSTHROUGH is bit 37").isEqualTo(1 << 5);
        assertThat(out.getIntLE(16 + 36)).as("max_stack_depth").isEqualTo(1);
        out.clear();
        // without INIT_EXT in the offer, flags2 is ignored and INIT_EXT is not set
        InitIn noExt = offer(Le.le().u32(7).u32(45).u32(65536).u32(0x3fffffffL).u32(0xffffffffL).zeros(44).toBytes());
        NegotiatedInit m = InitNegotiation.negotiate(noExt, o);
        assertThat(m.flags()).isEqualTo(InitFlags.ASYNC_READ);
        assertThat(m.has(InitFlags.INIT_EXT)).isFalse();
        assertThat(m.maxStackDepth()).isZero();
        InitNegotiation.encodeReply(out, 2, m);
        assertThat(out.getIntLE(16 + 32)).isZero(); // flags2
    }

    @Test
    void maxPagesAbsent() {
        InitIn offer = offer(Le.le().u32(7).u32(27).u32(131072).u32(InitFlags.ASYNC_READ | InitFlags.BIG_WRITES).toBytes());
        NegotiatedInit n = InitNegotiation.negotiate(offer, new InitOptions());
        assertThat(n.minor()).isEqualTo(27);
        assertThat(n.has(InitFlags.MAX_PAGES)).isFalse();
        assertThat(n.maxPages()).isEqualTo(32);
        assertThat(n.maxWrite()).isEqualTo(128 * 1024);
        InitNegotiation.encodeReply(out, 2, n);
        assertThat(out.readableBytes()).isEqualTo(80);
        assertThat(out.getShortLE(16 + 28)).isZero(); // max_pages not sent
        assertThat(out.getIntLE(16 + 20)).isEqualTo(128 * 1024);
    }

    @Test
    void capsAndWishes() {
        NegotiatedInit n = InitNegotiation.negotiate(kernel645(),
            new InitOptions().maxWrite(8 << 20).maxReadahead(1 << 20).maxBackground(100000).congestionThreshold(10));
        assertThat(n.maxPages()).isEqualTo(256);
        assertThat(n.maxWrite()).isEqualTo(1 << 20);
        assertThat(n.maxReadahead()).isEqualTo(131072);
        assertThat(n.maxBackground()).isEqualTo(65535);
        assertThat(n.congestionThreshold()).isEqualTo(10);
        NegotiatedInit m = InitNegotiation.negotiate(kernel645(), new InitOptions().maxWrite(100).maxReadahead(4096).maxPages(4));
        assertThat(m.maxWrite()).isEqualTo(4096);
        assertThat(m.maxPages()).isEqualTo(4);
        assertThat(m.maxReadahead()).isEqualTo(4096);
        NegotiatedInit k = InitNegotiation.negotiate(kernel645(), new InitOptions().maxWrite(256 * 1024).maxPages(8));
        assertThat(k.maxWrite()).isEqualTo(32 * 1024);
    }

    @Test
    void oldMinors() {
        NegotiatedInit n22 = InitNegotiation.negotiate(offer(Le.le().u32(7).u32(22).u32(65536).u32(0xffff).toBytes()), new InitOptions());
        assertThat(n22.minor()).isEqualTo(22);
        InitNegotiation.encodeReply(out, 2, n22);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(Le.reply(2, 0, Le.le().u32(7).u32(22).u32(65536)
            .u32(n22.flags()).u16(64).u16(48).u32(128 * 1024).toBytes()));
        assertThat(StructPrinter.reply(new StringBuilder(), Opcode.INIT, 22, out, 0, out.readableBytes()).toString())
            .isEqualTo("{\"major\":7,\"minor\":22,\"max_readahead\":65536,\"flags\":" + n22.flags()
                + ",\"max_background\":64,\"congestion_threshold\":48,\"max_write\":131072}");
        out.clear();
        NegotiatedInit n4 = InitNegotiation.negotiate(offer(Le.le().u32(7).u32(4).toBytes()), new InitOptions());
        InitNegotiation.encodeReply(out, 2, n4);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(Le.reply(2, 0, Le.le().u32(7).u32(4).toBytes()));
        out.clear();
        NegotiatedInit n99 = InitNegotiation.negotiate(offer(Le.le().u32(7).u32(99).u32(0).u32(0).toBytes()), new InitOptions());
        assertThat(n99.minor()).isEqualTo(45);
    }

    @Test
    void majors() {
        NegotiatedInit old = InitNegotiation.negotiate(offer(Le.le().u32(6).u32(1).u32(0).u32(0).toBytes()), new InitOptions());
        assertThat(old.kind()).isEqualTo(NegotiatedInit.Kind.UNSUPPORTED_MAJOR);
        InitNegotiation.encodeReply(out, 2, old);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(Le.reply(2, -Errno.EPROTO, new byte[0]));
        out.clear();
        NegotiatedInit newer = InitNegotiation.negotiate(offer(Le.le().u32(8).u32(0).u32(0).u32(0).toBytes()), new InitOptions());
        assertThat(newer.kind()).isEqualTo(NegotiatedInit.Kind.NEWER_MAJOR);
        assertThat(newer.ok()).isFalse();
        InitNegotiation.encodeReply(out, 2, newer);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(Le.reply(2, 0, Le.le().u32(7).u32(45).zeros(56).toBytes()));
    }

    @Test
    void requestTimeoutAndAlignment() {
        long offered = InitFlags.INIT_EXT | InitFlags.REQUEST_TIMEOUT | InitFlags.MAP_ALIGNMENT;
        NegotiatedInit n = InitNegotiation.negotiate(7, 45, 0, offered,
            new InitOptions().flags(InitFlags.REQUEST_TIMEOUT | InitFlags.MAP_ALIGNMENT).requestTimeout(30).mapAlignment(12));
        InitNegotiation.encodeReply(out, 2, n);
        assertThat(out.getShortLE(16 + 40)).isEqualTo((short) 30);
        assertThat(out.getShortLE(16 + 30)).isEqualTo((short) 12);
        assertThat(out.getIntLE(16 + 32)).isEqualTo((int) (InitFlags.REQUEST_TIMEOUT >>> 32));
        assertThat(n.toString()).contains("REQUEST_TIMEOUT");
    }
}
