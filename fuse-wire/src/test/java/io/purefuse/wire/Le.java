package io.purefuse.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test helper: builds little-endian byte arrays by hand from struct layouts. */
final class Le {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Le le() {
        return new Le();
    }

    Le u8(int v) {
        out.write(v);
        return this;
    }

    Le u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    Le u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    Le u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    Le bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    /** A NUL-terminated UTF-8 string. */
    Le cstr(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8)).u8(0);
    }

    Le str(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    Le zeros(int n) {
        for (int i = 0; i < n; i++) {
            out.write(0);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    /** fuse_in_header (len computed) + body. */
    static byte[] request(int opcode, long unique, long nodeid, byte[] body) {
        return request(opcode, unique, nodeid, 1000, 1000, 4242, 0, body);
    }

    static byte[] request(int opcode, long unique, long nodeid, int uid, int gid, int pid, int extlen,
                          byte[] body) {
        return le().u32(40 + body.length).u32(opcode).u64(unique).u64(nodeid).u32(uid).u32(gid)
            .u32(pid).u16(extlen).u16(0).bytes(body).toBytes();
    }

    /** fuse_out_header (len computed) + body. */
    static byte[] reply(long unique, int error, byte[] body) {
        return le().u32(16 + body.length).u32(error).u64(unique).bytes(body).toBytes();
    }
}
