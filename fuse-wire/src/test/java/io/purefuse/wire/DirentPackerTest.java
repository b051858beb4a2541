package io.purefuse.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.purefuse.wire.debug.StructPrinter;
import io.purefuse.wire.out.EntryOut;
import org.junit.jupiter.api.Test;

class DirentPackerTest {
    private final ByteBuf out = Unpooled.buffer();
    private final DirentPacker p = new DirentPacker();

    @Test
    void readdirGoldenAndLimit() {
        p.begin(out, 11, 64, false, 45);
        assertThat(p.add(1, 1, 4, ".")).isTrue();          // 24 + 1 -> 32
        assertThat(p.add(2, 2, 8, "ab".getBytes())).isTrue(); // 24 + 2 -> 32, total 64
        assertThat(p.add(3, 3, 8, "c")).isFalse();          // would exceed 64
        assertThat(p.count()).isEqualTo(2);
        assertThat(p.size()).isEqualTo(64);
        assertThat(p.finish()).isEqualTo(80);
        byte[] expect = Le.reply(11, 0, Le.le().u64(1).u64(1).u32(1).u32(4).str(".").zeros(7)
            .u64(2).u64(2).u32(2).u32(8).str("ab").zeros(6).toBytes());
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(expect);
        String json = StructPrinter.reply(new StringBuilder(), Opcode.READDIR, 45, out, 0, out.readableBytes()).toString();
        assertThat(json).isEqualTo("{\"data_length\":64,\"entries\":[{\"ino\":1,\"off\":1,\"type\":4,\"name\":\".\"},"
            + "{\"ino\":2,\"off\":2,\"type\":8,\"name\":\"ab\"}]}");
    }

    @Test
    void exactFitAndUtf8Names() {
        p.begin(out, 1, 32, false, 45);
        assertThat(p.add(9, 1, 8, "12345678")).isTrue(); // 24 + 8 = 32, no padding
        assertThat(p.finish()).isEqualTo(48);
        out.clear();
        p.begin(out, 1, 4096, false, 45);
        ByteBuf name = Unpooled.wrappedBuffer("xéz".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(p.add(9, 1, 8, name, 0, 4)).isTrue();
        assertThat(p.add(9, 1, 8, "xéz")).isTrue();
        p.finish();
        assertThat(out.getIntLE(16 + 16)).isEqualTo(4);
        assertThat(out.getIntLE(16 + 32 + 16)).isEqualTo(4);
        assertThat(ByteBufUtil.getBytes(out, 16, 32)).isEqualTo(ByteBufUtil.getBytes(out, 48, 32));
    }

    @Test
    void readdirplus() {
        EntryOut e = ReplyEncoderTest.entry();
        p.begin(out, 12, 4096, true, 45);
        assertThat(p.addPlus(e, 1, "f")).isTrue();
        assertThat(p.addPlus(e, 2, "g".getBytes())).isTrue();
        assertThat(p.size()).isEqualTo(2 * 160);
        p.finish();
        byte[] one = ReplyEncoderTest.entryBytes(Le.le(), true).u64(5).u64(1).u32(1).u32(8).str("f").zeros(7).toBytes();
        assertThat(ByteBufUtil.getBytes(out, 16, 160)).isEqualTo(one);
        String json = StructPrinter.reply(new StringBuilder(), Opcode.READDIRPLUS, 45, out, 0, out.readableBytes()).toString();
        assertThat(json).contains("\"name\":\"f\"").contains("\"name\":\"g\"").contains("\"nodeid\":5");
        assertThatThrownBy(() -> p.add(1, 1, 1, "x")).isInstanceOf(IllegalStateException.class);
        out.clear();
        p.begin(out, 12, 159, true, 45);
        assertThat(p.addPlus(e, 1, "f")).isFalse();
        assertThat(p.count()).isZero();
        assertThat(p.finish()).isEqualTo(16);
    }
}
