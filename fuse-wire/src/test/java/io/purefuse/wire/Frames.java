package io.purefuse.wire;

import java.util.ArrayList;
import java.util.List;

/** Valid sample request frames for every opcode (minor 45, SETXATTR_EXT negotiated). */
final class Frames {
    private Frames() {
    }

    static Le le() {
        return Le.le();
    }

    static byte[] initBody() {
        return le().u32(7).u32(45).u32(131072).u32(0x73fffffbL).u32(0x5fd).zeros(44).toBytes();
    }

    static byte[] readBody(long fh, long off, int size) {
        return le().u64(fh).u64(off).u32(size).u32(2).u64(0x1234).u32(0x8002).u32(0).toBytes();
    }

    static byte[] writeBody(long fh, long off, byte[] data) {
        return le().u64(fh).u64(off).u32(data.length).u32(1).u64(77).u32(0x8001).u32(0).bytes(data).toBytes();
    }

    /** The body of a valid request for {@code op}. */
    static byte[] body(Opcode op) {
        switch (op) {
            case LOOKUP: case UNLINK: case RMDIR: case REMOVEXATTR:
                return le().cstr("file.txt").toBytes();
            case FORGET: return le().u64(3).toBytes();
            case GETATTR: return le().u32(1).u32(0).u64(99).toBytes();
            case SETATTR:
                return le().u32(SetattrValid.FATTR_MODE | SetattrValid.FATTR_SIZE | SetattrValid.FATTR_FH)
                    .u32(0).u64(5).u64(4096).u64(0).u64(1).u64(2).u64(3).u32(4).u32(5).u32(6)
                    .u32(0100644).u32(0).u32(1000).u32(1000).u32(0).toBytes();
            case READLINK: case STATFS: case DESTROY: return new byte[0];
            case SYMLINK: return le().cstr("link").cstr("/target/path").toBytes();
            case MKNOD: return le().u32(0100644).u32(0).u32(022).u32(0).cstr("node").toBytes();
            case MKDIR: return le().u32(040755).u32(022).cstr("dir").toBytes();
            case RENAME: return le().u64(7).cstr("old").cstr("new").toBytes();
            case RENAME2: return le().u64(7).u32(Flags.RENAME_NOREPLACE).u32(0).cstr("old").cstr("new").toBytes();
            case LINK: return le().u64(12).cstr("hard").toBytes();
            case OPEN: case OPENDIR: return le().u32(0100002).u32(0).toBytes();
            case READ: case READDIR: case READDIRPLUS: return readBody(11, 8192, 131072);
            case WRITE: return writeBody(11, 4096, "hello".getBytes());
            case RELEASE: case RELEASEDIR:
                return le().u64(11).u32(0100002).u32(Flags.RELEASE_FLUSH).u64(0x99).toBytes();
            case FSYNC: case FSYNCDIR: return le().u64(11).u32(1).u32(0).toBytes();
            case SETXATTR: return le().u32(5).u32(1).u32(0).u32(0).cstr("user.k").str("value").toBytes();
            case GETXATTR: return le().u32(0).u32(0).cstr("security.capability").toBytes();
            case LISTXATTR: return le().u32(4096).u32(0).toBytes();
            case FLUSH: return le().u64(11).u32(0).u32(0).u64(0x55).toBytes();
            case INIT: return initBody();
            case GETLK: case SETLK: case SETLKW:
                return le().u64(11).u64(0x77).u64(0).u64(Long.MAX_VALUE).u32(1).u32(321).u32(0).u32(0).toBytes();
            case ACCESS: return le().u32(4).u32(0).toBytes();
            case CREATE: case TMPFILE: return le().u32(0100101).u32(0100644).u32(022).u32(0).cstr("new.txt").toBytes();
            case INTERRUPT: return le().u64(1000).toBytes();
            case BMAP: return le().u64(10).u32(4096).u32(0).toBytes();
            case IOCTL: return le().u64(11).u32(0).u32(0x5401).u64(0xdead).u32(3).u32(8).str("abc").toBytes();
            case POLL: return le().u64(11).u64(5).u32(1).u32(1).toBytes();
            case NOTIFY_REPLY: return le().u64(0).u64(4096).u32(4).u32(0).u64(0).u64(0).str("data").toBytes();
            case BATCH_FORGET: return le().u32(2).u32(0).u64(5).u64(1).u64(6).u64(2).toBytes();
            case FALLOCATE: return le().u64(11).u64(0).u64(1 << 20).u32(1).u32(0).toBytes();
            case LSEEK: return le().u64(11).u64(100).u32(3).u32(0).toBytes();
            case COPY_FILE_RANGE: case COPY_FILE_RANGE_64:
                return le().u64(1).u64(2).u64(3).u64(4).u64(5).u64(6).u64(0).toBytes();
            case SETUPMAPPING: return le().u64(1).u64(2).u64(3).u64(4).u64(5).toBytes();
            case REMOVEMAPPING: return le().u32(1).u64(10).u64(20).toBytes();
            case SYNCFS: return le().u64(0).toBytes();
            case STATX: return le().u32(1).u32(0).u64(11).u32(0).u32(0xfff).toBytes();
            case CUSE_INIT: return le().u32(7).u32(45).u32(0).u32(1).toBytes();
            default:
                throw new AssertionError(op);
        }
    }

    static byte[] frame(Opcode op, long unique) {
        return Le.request(op.code(), unique, op == Opcode.INIT ? 0 : 1, body(op));
    }

    static List<byte[]> all() {
        List<byte[]> l = new ArrayList<>();
        long u = 2;
        for (Opcode op : Opcode.values()) {
            l.add(frame(op, u));
            u += 2;
        }
        return l;
    }
}
