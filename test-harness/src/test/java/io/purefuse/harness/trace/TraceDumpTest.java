package io.purefuse.harness.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.purefuse.wire.Errno;
import io.purefuse.wire.InitFlags;
import io.purefuse.wire.NotifyEncoder;
import io.purefuse.wire.Opcode;
import io.purefuse.wire.ReplyEncoder;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.EntryOut;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceDumpTest {
    @TempDir
    Path tmp;

    /** fuse_in_header + body, built by hand. */
    static ByteBuf request(Opcode op, long unique, long nodeid, ByteBuf body) {
        ByteBuf b = Unpooled.buffer();
        b.writeIntLE(40 + body.readableBytes()).writeIntLE(op.code()).writeLongLE(unique).writeLongLE(nodeid);
        b.writeIntLE(1000).writeIntLE(1000).writeIntLE(77).writeIntLE(0);
        b.writeBytes(body);
        return b;
    }

    static ByteBuf le() {
        return Unpooled.buffer();
    }

    static Attr attr() {
        return new Attr().ino(2).size(5).blocks(1).mode(0100644).nlink(1).uid(1000).gid(1000).blksize(4096);
    }

    static byte[] trace() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TraceWriter w = new TraceWriter(bytes)) {
            // INIT pair: the kernel offers 7.22 (24-byte init_out)
            w.write(0, request(Opcode.INIT, 2, 0, le().writeIntLE(7).writeIntLE(22).writeIntLE(65536).writeIntLE(1)));
            ByteBuf r = le();
            int s = ReplyEncoder.begin(r, 2, 0);
            r.writeIntLE(7).writeIntLE(22).writeIntLE(65536).writeIntLE(1).writeShortLE(12).writeShortLE(9).writeIntLE(131072);
            ReplyEncoder.finish(r, s);
            w.write(1, r);
            // LOOKUP + entry reply
            w.write(0, request(Opcode.LOOKUP, 4, 1, le().writeBytes("a.txt\0".getBytes(StandardCharsets.UTF_8))));
            EntryOut e = new EntryOut().nodeid(2).generation(1).entryValid(1, 0).attrValid(1, 0);
            e.attr().copyFrom(attr());
            r = le();
            ReplyEncoder.entry(r, 4, e, 22);
            w.write(1, r);
            // GETATTR + attr reply
            w.write(0, request(Opcode.GETATTR, 6, 2, le().writeIntLE(0).writeIntLE(0).writeLongLE(0)));
            r = le();
            ReplyEncoder.attr(r, 6, 1, 0, attr(), 22);
            w.write(1, r);
            // READ + data reply gathered from header and data (unique above 2^63)
            long big = 0x8000000000000008L;
            w.write(0, request(Opcode.READ, big, 2, le().writeLongLE(3).writeLongLE(0).writeIntLE(4096)
                .writeIntLE(0).writeLongLE(0).writeIntLE(0x8000).writeIntLE(0)));
            ByteBuf h = le();
            ReplyEncoder.dataHeader(h, big, 5);
            w.write(1, h, Unpooled.wrappedBuffer("hello".getBytes(StandardCharsets.UTF_8)));
            // an error reply
            w.write(0, request(Opcode.LOOKUP, 10, 1, le().writeBytes("nope\0".getBytes(StandardCharsets.UTF_8))));
            r = le();
            ReplyEncoder.error(r, 10, Errno.ENOENT);
            w.write(1, r);
            // a notification
            r = le();
            NotifyEncoder.invalEntry(r, 1, "a.txt", 0);
            w.write(1, r);
            // a malformed request (name without NUL) and a malformed reply (entry too short)
            w.write(0, request(Opcode.LOOKUP, 12, 1, le().writeBytes("abc".getBytes(StandardCharsets.UTF_8))));
            w.write(0, request(Opcode.LOOKUP, 14, 1, le().writeBytes("b\0".getBytes(StandardCharsets.UTF_8))));
            r = le();
            ReplyEncoder.begin(r, 14, 0);
            r.writeZero(8);
            ReplyEncoder.finish(r, 0);
            w.write(1, r);
            // a frame too short for a header
            w.write(1, new byte[] {1, 2, 3});
        }
        byte[] b = bytes.toByteArray();
        // finally a truncated frame: declares 40 bytes, has 3
        byte[] out = new byte[b.length + 8];
        System.arraycopy(b, 0, out, 0, b.length);
        out[b.length] = 0;
        out[b.length + 1] = 40;
        return out;
    }

    @Test
    void readerSeesEveryFrame() throws Exception {
        byte[] t = trace();
        try (TraceReader r = new TraceReader(new ByteArrayInputStream(t))) {
            TraceReader.Frame f0 = r.next();
            assertThat(f0.index()).isZero();
            assertThat(f0.isRequest()).isTrue();
            assertThat(f0.bytes()).hasSize(56);
            int n = 1;
            TraceReader.Frame last = null;
            TraceReader.Frame f;
            while ((f = r.next()) != null) {
                last = f;
                n++;
            }
            assertThat(n).isEqualTo(16);
            assertThat(last.truncated()).isTrue();
            assertThat(last.declaredLength()).isEqualTo(40);
            assertThat(last.bytes()).hasSize(3);
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void writerGathersAndIsThreadSafe() throws Exception {
        Path p = tmp.resolve("t.trace");
        try (TraceWriter w = new TraceWriter(p)) {
            Thread[] ts = new Thread[4];
            for (int k = 0; k < ts.length; k++) {
                int id = k;
                ts[k] = new Thread(() -> {
                    for (int i = 0; i < 1000; i++) {
                        try {
                            w.write(id & 1, new byte[] {(byte) id, (byte) id, (byte) id});
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    }
                });
                ts[k].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            assertThat(w.frames()).isEqualTo(4000);
        }
        try (TraceReader r = new TraceReader(p)) {
            int n = 0;
            TraceReader.Frame f;
            while ((f = r.next()) != null) {
                assertThat(f.bytes()).hasSize(3);
                assertThat(f.direction()).isEqualTo(f.bytes()[0] & 1);
                assertThat(f.bytes()[1]).isEqualTo(f.bytes()[0]);
                n++;
            }
            assertThat(n).isEqualTo(4000);
        }
        assertThat(Files.size(p)).isEqualTo(4000 * 8);
    }

    @Test
    void dumpLines() throws Exception {
        Path p = tmp.resolve("sample.trace");
        Files.write(p, trace());
        List<String> lines = TraceDump.dump(p).lines().toList();
        String attr22 = "\"attr\":{\"ino\":2,\"size\":5,\"blocks\":1,\"atime\":0,\"mtime\":0,\"ctime\":0,\"atimensec\":0,"
            + "\"mtimensec\":0,\"ctimensec\":0,\"mode\":33188,\"nlink\":1,\"uid\":1000,\"gid\":1000,\"rdev\":0,"
            + "\"blksize\":4096,\"flags\":0}";
        assertThat(lines).containsExactly(
            "{\"i\":0,\"dir\":\"req\",\"unique\":2,\"opcode\":\"INIT\",\"nodeid\":0,\"len\":56,"
                + "\"fields\":{\"major\":7,\"minor\":22,\"max_readahead\":65536,\"flags\":1}}",
            "{\"i\":1,\"dir\":\"rep\",\"unique\":2,\"opcode\":\"INIT\",\"error\":0,\"len\":40,"
                + "\"fields\":{\"major\":7,\"minor\":22,\"max_readahead\":65536,\"flags\":1,\"max_background\":12,"
                + "\"congestion_threshold\":9,\"max_write\":131072}}",
            "{\"i\":2,\"dir\":\"req\",\"unique\":4,\"opcode\":\"LOOKUP\",\"nodeid\":1,\"len\":46,"
                + "\"fields\":{\"name\":\"a.txt\"}}",
            "{\"i\":3,\"dir\":\"rep\",\"unique\":4,\"opcode\":\"LOOKUP\",\"error\":0,\"len\":144,"
                + "\"fields\":{\"nodeid\":2,\"generation\":1,\"entry_valid\":1,\"entry_valid_nsec\":0,\"attr_valid\":1,"
                + "\"attr_valid_nsec\":0," + attr22 + "}}",
            "{\"i\":4,\"dir\":\"req\",\"unique\":6,\"opcode\":\"GETATTR\",\"nodeid\":2,\"len\":56,"
                + "\"fields\":{\"getattr_flags\":0,\"fh\":0}}",
            "{\"i\":5,\"dir\":\"rep\",\"unique\":6,\"opcode\":\"GETATTR\",\"error\":0,\"len\":120,"
                + "\"fields\":{\"attr_valid\":1,\"attr_valid_nsec\":0," + attr22 + "}}",
            "{\"i\":6,\"dir\":\"req\",\"unique\":9223372036854775816,\"opcode\":\"READ\",\"nodeid\":2,\"len\":80,"
                + "\"fields\":{\"fh\":3,\"offset\":0,\"size\":4096,\"read_flags\":0,\"lock_owner\":0,\"flags\":32768}}",
            "{\"i\":7,\"dir\":\"rep\",\"unique\":9223372036854775816,\"opcode\":\"READ\",\"error\":0,\"len\":21,"
                + "\"fields\":{\"data_length\":5}}",
            "{\"i\":8,\"dir\":\"req\",\"unique\":10,\"opcode\":\"LOOKUP\",\"nodeid\":1,\"len\":45,\"fields\":{\"name\":\"nope\"}}",
            "{\"i\":9,\"dir\":\"rep\",\"unique\":10,\"opcode\":\"LOOKUP\",\"error\":-2,\"len\":16,\"fields\":{}}",
            "{\"i\":10,\"dir\":\"rep\",\"unique\":0,\"opcode\":\"NOTIFY_INVAL_ENTRY\",\"error\":3,\"len\":38,"
                + "\"fields\":{\"parent\":1,\"namelen\":5,\"flags\":0,\"name\":\"a.txt\"}}",
            "{\"i\":11,\"dir\":\"req\",\"unique\":12,\"opcode\":\"LOOKUP\",\"nodeid\":1,\"len\":43,"
                + "\"error_decoding\":\"name not NUL-terminated in the body\"}",
            "{\"i\":12,\"dir\":\"req\",\"unique\":14,\"opcode\":\"LOOKUP\",\"nodeid\":1,\"len\":42,\"fields\":{\"name\":\"b\"}}",
            "{\"i\":13,\"dir\":\"rep\",\"unique\":14,\"opcode\":\"LOOKUP\",\"error\":0,\"len\":24,"
                + "\"error_decoding\":\"reply body shorter than fuse_entry_out (8 < 128)\"}",
            "{\"i\":14,\"dir\":\"rep\",\"len\":3,\"error_decoding\":\"reply shorter than fuse_out_header\"}",
            "{\"i\":15,\"dir\":\"req\",\"error_decoding\":\"truncated frame: 3 of 40 bytes\"}");
    }

    @Test
    void helpAndInitEffects() throws Exception {
        assertThat(TraceDump.USAGE).contains("fuse-trace dump TRACE");
        assertThat(InitFlags.SETXATTR_EXT).isEqualTo(1L << 29);
        assertThat(ByteBufUtil.hexDump(new byte[] {1})).isEqualTo("01");
    }
}
