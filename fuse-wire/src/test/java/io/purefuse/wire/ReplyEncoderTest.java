package io.purefuse.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.purefuse.wire.debug.StructPrinter;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.EntryOut;
import io.purefuse.wire.out.FileLock;
import io.purefuse.wire.out.StatfsOut;
import io.purefuse.wire.out.Statx;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplyEncoderTest {
    private final ByteBuf out = Unpooled.buffer(4096);

    private byte[] bytes() {
        return ByteBufUtil.getBytes(out);
    }

    private String print(Opcode op, int minor) {
        return StructPrinter.reply(new StringBuilder(), op, minor, out, out.readerIndex(), out.readableBytes()).toString();
    }

    static Attr attr() {
        return new Attr().ino(5).size(4096).blocks(8).atime(1, 2).mtime(3, 4).ctime(5, 6).mode(0100644)
            .nlink(1).uid(1000).gid(100).rdev(0).blksize(4096).flags(0);
    }

    static Le attrBytes(Le le, boolean full) {
        le.u64(5).u64(4096).u64(8).u64(1).u64(3).u64(5).u32(2).u32(4).u32(6).u32(0100644).u32(1).u32(1000).u32(100).u32(0);
        if (full) {
            le.u32(4096).u32(0);
        }
        return le;
    }

    static EntryOut entry() {
        EntryOut e = new EntryOut().nodeid(5).generation(1).entryValid(Duration.ofMillis(1500)).attrValidNanos(2_000_000_001L);
        e.attr().copyFrom(attr());
        return e;
    }

    static Le entryBytes(Le le, boolean full) {
        return attrBytes(le.u64(5).u64(1).u64(1).u64(2).u32(500_000_000).u32(1), full);
    }

    @Test
    void error() {
        assertThat(ReplyEncoder.error(out, 9, Errno.ENOENT)).isEqualTo(16);
        assertThat(bytes()).isEqualTo(Le.reply(9, -2, new byte[0]));
        out.clear();
        ReplyEncoder.error(out, 9, -Errno.EIO);
        assertThat(bytes()).isEqualTo(Le.reply(9, -5, new byte[0]));
        out.clear();
        ReplyEncoder.error(out, 9, 0);
        assertThat(bytes()).isEqualTo(Le.reply(9, 0, new byte[0]));
        out.clear();
        ReplyEncoder.empty(out, -1L);
        assertThat(bytes()).isEqualTo(Le.reply(-1L, 0, new byte[0]));
        assertThat(print(Opcode.UNLINK, 45)).isEqualTo("{}");
    }

    @Test
    void appendsAtWriterIndex() {
        out.writeZero(10);
        ReplyEncoder.write(out, 3, 7);
        out.readerIndex(10);
        assertThat(bytes()).isEqualTo(Le.reply(3, 0, Le.le().u32(7).u32(0).toBytes()));
    }

    @Test
    void entryReply() {
        assertThat(ReplyEncoder.entry(out, 4, entry(), 45)).isEqualTo(144);
        assertThat(bytes()).isEqualTo(Le.reply(4, 0, entryBytes(Le.le(), true).toBytes()));
        assertThat(print(Opcode.LOOKUP, 45)).isEqualTo("{\"nodeid\":5,\"generation\":1,\"entry_valid\":1,"
            + "\"entry_valid_nsec\":500000000,\"attr_valid\":2,\"attr_valid_nsec\":1,\"attr\":{\"ino\":5,"
            + "\"size\":4096,\"blocks\":8,\"atime\":1,\"mtime\":3,\"ctime\":5,\"atimensec\":2,\"mtimensec\":4,"
            + "\"ctimensec\":6,\"mode\":33188,\"nlink\":1,\"uid\":1000,\"gid\":100,\"rdev\":0,\"blksize\":4096,"
            + "\"flags\":0}}");
        EntryOut back = new EntryOut().readFrom(out, 16, 45);
        assertThat(back.attrValid).isEqualTo(2);
        assertThat(back.attr().mode).isEqualTo(0100644);
        out.clear();
        assertThat(ReplyEncoder.entry(out, 4, entry(), 8)).isEqualTo(136);
        assertThat(bytes()).isEqualTo(Le.reply(4, 0, entryBytes(Le.le(), false).toBytes()));
        assertThat(print(Opcode.MKDIR, 8)).doesNotContain("blksize");
    }

    @Test
    void attrReply() {
        ReplyEncoder.attr(out, 6, 1, 500, attr(), 45);
        assertThat(bytes()).isEqualTo(Le.reply(6, 0, attrBytes(Le.le().u64(1).u32(500).u32(0), true).toBytes()));
        assertThat(out.readableBytes()).isEqualTo(16 + 104);
        assertThat(print(Opcode.GETATTR, 45)).startsWith("{\"attr_valid\":1,\"attr_valid_nsec\":500,\"attr\":{\"ino\":5,");
        out.clear();
        ReplyEncoder.attr(out, 6, 1, 500, attr(), 8);
        assertThat(out.readableBytes()).isEqualTo(16 + 96);
    }

    @Test
    void openAndCreate() {
        ReplyEncoder.open(out, 7, 0x1122334455L, OpenFlags.FOPEN_KEEP_CACHE | OpenFlags.FOPEN_PASSTHROUGH, 3);
        assertThat(bytes()).isEqualTo(Le.reply(7, 0, Le.le().u64(0x1122334455L).u32(0x82).u32(3).toBytes()));
        assertThat(print(Opcode.OPEN, 45)).isEqualTo("{\"fh\":73588229205,\"open_flags\":130,\"backing_id\":3}");
        out.clear();
        ReplyEncoder.create(out, 8, entry(), 99, OpenFlags.FOPEN_DIRECT_IO, 45);
        assertThat(bytes()).isEqualTo(Le.reply(8, 0, entryBytes(Le.le(), true).u64(99).u32(1).u32(0).toBytes()));
        assertThat(print(Opcode.CREATE, 45)).contains("\"nodeid\":5").endsWith("\"fh\":99,\"open_flags\":1,\"backing_id\":0}");
        out.clear();
        ReplyEncoder.create(out, 8, entry(), 99, 0, 8);
        assertThat(out.readableBytes()).isEqualTo(16 + 120 + 16);
    }

    @Test
    void smallReplies() {
        ReplyEncoder.write(out, 1, 131072);
        assertThat(bytes()).isEqualTo(Le.reply(1, 0, Le.le().u32(131072).u32(0).toBytes()));
        assertThat(print(Opcode.WRITE, 45)).isEqualTo("{\"size\":131072}");
        out.clear();
        ReplyEncoder.xattrSize(out, 1, 27);
        assertThat(bytes()).isEqualTo(Le.reply(1, 0, Le.le().u32(27).u32(0).toBytes()));
        assertThat(print(Opcode.GETXATTR, 45)).isEqualTo("{\"size\":27}");
        out.clear();
        ReplyEncoder.lock(out, 1, new FileLock().set(1, 2, FileLock.F_WRLCK, 77));
        assertThat(bytes()).isEqualTo(Le.reply(1, 0, Le.le().u64(1).u64(2).u32(1).u32(77).toBytes()));
        assertThat(print(Opcode.GETLK, 45)).isEqualTo("{\"lk\":{\"start\":1,\"end\":2,\"type\":1,\"pid\":77}}");
        out.clear();
        ReplyEncoder.bmap(out, 1, 1234);
        assertThat(bytes()).isEqualTo(Le.reply(1, 0, Le.le().u64(1234).toBytes()));
        assertThat(print(Opcode.BMAP, 45)).isEqualTo("{\"block\":1234}");
        out.clear();
        ReplyEncoder.poll(out, 1, 0x41);
        assertThat(bytes()).isEqualTo(Le.reply(1, 0, Le.le().u32(0x41).u32(0).toBytes()));
        assertThat(print(Opcode.POLL, 45)).isEqualTo("{\"revents\":65}");
        out.clear();
        ReplyEncoder.lseek(out, 1, 8192);
        assertThat(bytes()).isEqualTo(Le.reply(1, 0, Le.le().u64(8192).toBytes()));
        assertThat(print(Opcode.LSEEK, 45)).isEqualTo("{\"offset\":8192}");
    }

    @Test
    void copyFileRange() {
        ReplyEncoder.copyFileRange(out, 1, 1L << 20, Opcode.COPY_FILE_RANGE);
        assertThat(bytes()).isEqualTo(Le.reply(1, 0, Le.le().u32(1 << 20).u32(0).toBytes()));
        assertThat(print(Opcode.COPY_FILE_RANGE, 45)).isEqualTo("{\"size\":1048576}");
        out.clear();
        ReplyEncoder.copyFileRange(out, 1, 1L << 33, Opcode.COPY_FILE_RANGE_64);
        assertThat(bytes()).isEqualTo(Le.reply(1, 0, Le.le().u64(1L << 33).toBytes()));
        assertThat(print(Opcode.COPY_FILE_RANGE_64, 45)).isEqualTo("{\"bytes_copied\":8589934592}");
        assertThatThrownBy(() -> ReplyEncoder.copyFileRange(out, 1, 1L << 33, Opcode.COPY_FILE_RANGE))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statfs() {
        StatfsOut s = new StatfsOut().set(100, 50, 40, 1000, 900, 4096, 255, 4096);
        ReplyEncoder.statfs(out, 2, s, 45);
        assertThat(bytes()).isEqualTo(Le.reply(2, 0, Le.le().u64(100).u64(50).u64(40).u64(1000).u64(900)
            .u32(4096).u32(255).u32(4096).u32(0).zeros(24).toBytes()));
        assertThat(print(Opcode.STATFS, 45)).isEqualTo("{\"blocks\":100,\"bfree\":50,\"bavail\":40,\"files\":1000,"
            + "\"ffree\":900,\"bsize\":4096,\"namelen\":255,\"frsize\":4096}");
        out.clear();
        ReplyEncoder.statfs(out, 2, s, 3);
        assertThat(out.readableBytes()).isEqualTo(16 + 48);
    }

    @Test
    void statx() {
        Statx st = new Statx();
        st.mask = 0xfff;
        st.blksize = 4096;
        st.nlink = 2;
        st.uid = 1;
        st.gid = 2;
        st.mode = 040755;
        st.ino = 9;
        st.size = 10;
        st.blocks = 11;
        st.btimeSec = 1700000000;
        st.btimeNsec = 5;
        st.devMajor = 8;
        ReplyEncoder.statx(out, 3, 1, 2, 0, st);
        byte[] expect = Le.reply(3, 0, Le.le().u64(1).u32(2).u32(0).zeros(16).u32(0xfff).u32(4096).u64(0)
            .u32(2).u32(1).u32(2).u16(040755).u16(0).u64(9).u64(10).u64(11).u64(0)
            .zeros(16).u64(1700000000).u32(5).u32(0).zeros(32).u32(0).u32(0).u32(8).u32(0).zeros(112).toBytes());
        assertThat(bytes()).isEqualTo(expect);
        assertThat(out.readableBytes()).isEqualTo(16 + 288);
        assertThat(print(Opcode.STATX, 45)).contains("\"mode\":16877").contains("\"btime\":{\"tv_sec\":1700000000,\"tv_nsec\":5}");
        assertThat(new Statx().readFrom(out, 16 + 32).btimeSec).isEqualTo(1700000000);
    }

    @Test
    void ioctl() {
        ReplyEncoder.ioctl(out, 4, -1, 0, 0, 0);
        assertThat(bytes()).isEqualTo(Le.reply(4, 0, Le.le().u32(-1).u32(0).u32(0).u32(0).toBytes()));
        out.clear();
        ReplyEncoder.ioctl(out, 4, 0, 0, 0, 0, Unpooled.wrappedBuffer(new byte[] {1, 2}));
        assertThat(bytes()).isEqualTo(Le.reply(4, 0, Le.le().u32(0).u32(0).u32(0).u32(0).u8(1).u8(2).toBytes()));
        assertThat(print(Opcode.IOCTL, 45)).isEqualTo("{\"result\":0,\"flags\":0,\"in_iovs\":0,\"out_iovs\":0,\"data_length\":2}");
    }

    @Test
    void data() {
        assertThat(ReplyEncoder.dataHeader(out, 5, 131072)).isEqualTo(16);
        assertThat(bytes()).isEqualTo(Le.le().u32(16 + 131072).u32(0).u64(5).toBytes());
        out.clear();
        ByteBuf data = Unpooled.wrappedBuffer("target".getBytes());
        ReplyEncoder.data(out, 5, data);
        assertThat(data.readerIndex()).isZero();
        assertThat(bytes()).isEqualTo(Le.reply(5, 0, "target".getBytes()));
        assertThat(print(Opcode.READLINK, 45)).isEqualTo("{\"data_length\":6,\"link\":\"target\"}");
        assertThat(print(Opcode.READ, 45)).isEqualTo("{\"data_length\":6}");
        out.clear();
        ReplyEncoder.data(out, 5, "user.a\0user.b\0".getBytes());
        assertThat(print(Opcode.LISTXATTR, 45)).isEqualTo("{\"data_length\":14}");
    }

    @Test
    void errorRepliesPrintEmpty() {
        ReplyEncoder.error(out, 5, Errno.ENOENT);
        assertThat(print(Opcode.LOOKUP, 45)).isEqualTo("{}");
    }

    @Test
    void truncatedReplyIsReported() {
        out.writeBytes(Le.reply(1, 0, new byte[10]));
        assertThatThrownBy(() -> print(Opcode.LOOKUP, 45)).isInstanceOf(StructPrinter.MalformedException.class);
    }
}
