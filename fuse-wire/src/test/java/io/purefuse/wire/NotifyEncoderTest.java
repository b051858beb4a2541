package io.purefuse.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.purefuse.wire.debug.StructPrinter;
import org.junit.jupiter.api.Test;

class NotifyEncoderTest {
    private final ByteBuf out = Unpooled.buffer();

    private byte[] bytes() {
        return ByteBufUtil.getBytes(out);
    }

    private String print() {
        return StructPrinter.notification(new StringBuilder(), out, 0, out.readableBytes()).toString();
    }

    private void reset() {
        out.clear();
    }

    @Test
    void pollAndInvalInode() {
        NotifyEncoder.pollWakeup(out, 0x42);
        assertThat(bytes()).isEqualTo(Le.reply(0, 1, Le.le().u64(0x42).toBytes()));
        assertThat(print()).isEqualTo("{\"kh\":66}");
        reset();
        NotifyEncoder.invalInode(out, 5, -1, 0);
        assertThat(bytes()).isEqualTo(Le.reply(0, 2, Le.le().u64(5).u64(-1).u64(0).toBytes()));
        assertThat(print()).isEqualTo("{\"ino\":5,\"off\":-1,\"len\":0}");
    }

    @Test
    void invalEntryAndDelete() {
        NotifyEncoder.invalEntry(out, 1, "a.txt", Flags.EXPIRE_ONLY);
        byte[] expect = Le.reply(0, 3, Le.le().u64(1).u32(5).u32(1).cstr("a.txt").toBytes());
        assertThat(bytes()).isEqualTo(expect);
        assertThat(print()).isEqualTo("{\"parent\":1,\"namelen\":5,\"flags\":1,\"name\":\"a.txt\"}");
        reset();
        NotifyEncoder.invalEntry(out, 1, "a.txt".getBytes(), Flags.EXPIRE_ONLY);
        assertThat(bytes()).isEqualTo(expect);
        reset();
        NotifyEncoder.delete(out, 1, 7, "é");
        byte[] del = Le.reply(0, 6, Le.le().u64(1).u64(7).u32(2).u32(0).cstr("é").toBytes());
        assertThat(bytes()).isEqualTo(del);
        assertThat(print()).isEqualTo("{\"parent\":1,\"child\":7,\"namelen\":2,\"name\":\"é\"}");
        reset();
        NotifyEncoder.delete(out, 1, 7, "é".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(bytes()).isEqualTo(del);
    }

    @Test
    void storeAndRetrieve() {
        NotifyEncoder.store(out, 5, 4096, Unpooled.wrappedBuffer("abc".getBytes()));
        byte[] expect = Le.reply(0, 4, Le.le().u64(5).u64(4096).u32(3).u32(0).str("abc").toBytes());
        assertThat(bytes()).isEqualTo(expect);
        assertThat(print()).isEqualTo("{\"nodeid\":5,\"offset\":4096,\"size\":3,\"data_length\":3}");
        reset();
        assertThat(NotifyEncoder.storeHeader(out, 5, 4096, 3)).isEqualTo(40);
        out.writeBytes("abc".getBytes());
        assertThat(bytes()).isEqualTo(expect);
        reset();
        NotifyEncoder.retrieve(out, 77, 5, 0, 8192);
        assertThat(bytes()).isEqualTo(Le.reply(0, 5, Le.le().u64(77).u64(5).u64(0).u32(8192).u32(0).toBytes()));
        assertThat(print()).isEqualTo("{\"notify_unique\":77,\"nodeid\":5,\"offset\":0,\"size\":8192}");
    }

    @Test
    void resendIncEpochPrune() {
        NotifyEncoder.resend(out);
        assertThat(bytes()).isEqualTo(Le.reply(0, 7, new byte[0]));
        assertThat(print()).isEqualTo("{}");
        reset();
        NotifyEncoder.incEpoch(out);
        assertThat(bytes()).isEqualTo(Le.reply(0, 8, new byte[0]));
        reset();
        NotifyEncoder.prune(out, new long[] {3, 4, 99}, 2);
        assertThat(bytes()).isEqualTo(Le.reply(0, 9, Le.le().u32(2).u32(0).u64(0).u64(3).u64(4).toBytes()));
        assertThat(print()).isEqualTo("{\"count\":2,\"nodeids\":[3,4]}");
    }
}
