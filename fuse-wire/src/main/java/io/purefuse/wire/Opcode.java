package io.purefuse.wire;

/**
 * Every FUSE request opcode of protocol 7.45 (plus CUSE_INIT). The enum is the decode table:
 * each constant knows its numeric code and the {@link BodyKind} that describes its body.
 */
public enum Opcode {
    LOOKUP(1, BodyKind.NAME),
    FORGET(2, BodyKind.FORGET),
    GETATTR(3, BodyKind.GETATTR),
    SETATTR(4, BodyKind.SETATTR),
    READLINK(5, BodyKind.NONE),
    SYMLINK(6, BodyKind.SYMLINK),
    MKNOD(8, BodyKind.MKNOD),
    MKDIR(9, BodyKind.MKDIR),
    UNLINK(10, BodyKind.NAME),
    RMDIR(11, BodyKind.NAME),
    RENAME(12, BodyKind.RENAME),
    LINK(13, BodyKind.LINK),
    OPEN(14, BodyKind.OPEN),
    READ(15, BodyKind.READ),
    WRITE(16, BodyKind.WRITE),
    STATFS(17, BodyKind.NONE),
    RELEASE(18, BodyKind.RELEASE),
    FSYNC(20, BodyKind.FSYNC),
    SETXATTR(21, BodyKind.SETXATTR),
    GETXATTR(22, BodyKind.GETXATTR),
    LISTXATTR(23, BodyKind.LISTXATTR),
    REMOVEXATTR(24, BodyKind.NAME),
    FLUSH(25, BodyKind.FLUSH),
    INIT(26, BodyKind.INIT),
    OPENDIR(27, BodyKind.OPEN),
    READDIR(28, BodyKind.READ),
    RELEASEDIR(29, BodyKind.RELEASE),
    FSYNCDIR(30, BodyKind.FSYNC),
    GETLK(31, BodyKind.LK),
    SETLK(32, BodyKind.LK),
    SETLKW(33, BodyKind.LK),
    ACCESS(34, BodyKind.ACCESS),
    CREATE(35, BodyKind.CREATE),
    INTERRUPT(36, BodyKind.INTERRUPT),
    BMAP(37, BodyKind.BMAP),
    DESTROY(38, BodyKind.NONE),
    IOCTL(39, BodyKind.IOCTL),
    POLL(40, BodyKind.POLL),
    NOTIFY_REPLY(41, BodyKind.NOTIFY_REPLY),
    BATCH_FORGET(42, BodyKind.BATCH_FORGET),
    FALLOCATE(43, BodyKind.FALLOCATE),
    READDIRPLUS(44, BodyKind.READ),
    RENAME2(45, BodyKind.RENAME2),
    LSEEK(46, BodyKind.LSEEK),
    COPY_FILE_RANGE(47, BodyKind.COPY_FILE_RANGE),
    SETUPMAPPING(48, BodyKind.SETUPMAPPING),
    REMOVEMAPPING(49, BodyKind.REMOVEMAPPING),
    SYNCFS(50, BodyKind.SYNCFS),
    TMPFILE(51, BodyKind.CREATE),
    STATX(52, BodyKind.STATX),
    COPY_FILE_RANGE_64(53, BodyKind.COPY_FILE_RANGE),
    CUSE_INIT(4096, BodyKind.CUSE_INIT);

    private static final Opcode[] BY_CODE = new Opcode[54];

    static {
        for (Opcode op : values()) {
            if (op.code < BY_CODE.length) {
                BY_CODE[op.code] = op;
            }
        }
    }

    private final int code;
    private final BodyKind body;

    Opcode(int code, BodyKind body) {
        this.code = code;
        this.body = body;
    }

    public int code() {
        return code;
    }

    /** The shape of this opcode's request body. */
    public BodyKind body() {
        return body;
    }

    /** True for requests the kernel expects no reply to (FORGET, BATCH_FORGET). */
    public boolean noReply() {
        // NOTIFY_REPLY answers our RETRIEVE notification; the kernel sends it as noreply.
        return this == FORGET || this == BATCH_FORGET || this == NOTIFY_REPLY;
    }

    /** The kernel's name, e.g. {@code FUSE_LOOKUP} or {@code CUSE_INIT}. */
    public String kernelName() {
        return this == CUSE_INIT ? "CUSE_INIT" : "FUSE_" + name();
    }

    /** The opcode for a numeric code, or {@code null} when unknown. */
    public static Opcode of(int code) {
        if (code >= 0 && code < BY_CODE.length) {
            return BY_CODE[code];
        }
        return code == 4096 ? CUSE_INIT : null;
    }
}
