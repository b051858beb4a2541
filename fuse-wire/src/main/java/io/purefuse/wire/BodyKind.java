package io.purefuse.wire;

/**
 * The shape of a request body: which flyweight decodes it, the size of its fixed struct for a
 * negotiated minor, how many NUL-terminated names follow the struct and which trailing data
 * follows the names. {@link Opcode} maps every opcode to one of these; {@link RequestDecoder}
 * validates every frame against it, so accessors never read outside the frame.
 */
public enum BodyKind {
    /** No body (READLINK, STATFS, DESTROY). */
    NONE(0, 0, 0, Trailing.NONE),
    /** fuse_init_in: 16 bytes from old kernels (4 fields), 64 bytes since 7.36; at least 8. */
    INIT(8, 8, 0, Trailing.NONE),
    /** cuse_init_in. */
    CUSE_INIT(16, 16, 0, Trailing.NONE),
    /** fuse_getattr_in, absent before 7.9. */
    GETATTR(16, 0, 0, Trailing.NONE),
    /** fuse_setattr_in. */
    SETATTR(88, 88, 0, Trailing.NONE),
    /** Just one name (LOOKUP, UNLINK, RMDIR, REMOVEXATTR). */
    NAME(0, 0, 1, Trailing.NONE),
    /** name then linkname. */
    SYMLINK(0, 0, 2, Trailing.NONE),
    /** fuse_mknod_in (8 bytes before 7.12) + name. */
    MKNOD(16, 8, 1, Trailing.NONE),
    /** fuse_mkdir_in + name. */
    MKDIR(8, 8, 1, Trailing.NONE),
    /** fuse_rename_in + oldname + newname. */
    RENAME(8, 8, 2, Trailing.NONE),
    /** fuse_rename2_in + oldname + newname. */
    RENAME2(16, 16, 2, Trailing.NONE),
    /** fuse_link_in + newname. */
    LINK(8, 8, 1, Trailing.NONE),
    /** fuse_open_in (OPEN, OPENDIR). */
    OPEN(8, 8, 0, Trailing.NONE),
    /** fuse_create_in (fuse_open_in before 7.12) + name (CREATE, TMPFILE). */
    CREATE(16, 8, 1, Trailing.NONE),
    /** fuse_read_in (24 bytes before 7.9) (READ, READDIR, READDIRPLUS). */
    READ(40, 24, 0, Trailing.NONE),
    /** fuse_write_in (24 bytes before 7.9) + data. */
    WRITE(40, 24, 0, Trailing.WRITE),
    /** fuse_release_in (16 bytes before 7.8) (RELEASE, RELEASEDIR). */
    RELEASE(24, 16, 0, Trailing.NONE),
    /** fuse_flush_in. */
    FLUSH(24, 24, 0, Trailing.NONE),
    /** fuse_fsync_in (FSYNC, FSYNCDIR). */
    FSYNC(16, 16, 0, Trailing.NONE),
    /** fuse_setxattr_in (16 bytes with SETXATTR_EXT, else 8) + name + value. */
    SETXATTR(16, 8, 1, Trailing.SETXATTR),
    /** fuse_getxattr_in + name. */
    GETXATTR(8, 8, 1, Trailing.NONE),
    /** fuse_getxattr_in without a name (LISTXATTR). */
    LISTXATTR(8, 8, 0, Trailing.NONE),
    /** fuse_lk_in (40 bytes before 7.9) (GETLK, SETLK, SETLKW). */
    LK(48, 40, 0, Trailing.NONE),
    /** fuse_access_in. */
    ACCESS(8, 8, 0, Trailing.NONE),
    /** fuse_interrupt_in. */
    INTERRUPT(8, 8, 0, Trailing.NONE),
    /** fuse_bmap_in. */
    BMAP(16, 16, 0, Trailing.NONE),
    /** fuse_ioctl_in + in_size bytes. */
    IOCTL(32, 32, 0, Trailing.IOCTL),
    /** fuse_poll_in. */
    POLL(24, 24, 0, Trailing.NONE),
    /** fuse_forget_in. */
    FORGET(8, 8, 0, Trailing.NONE),
    /** fuse_batch_forget_in + count fuse_forget_one. */
    BATCH_FORGET(8, 8, 0, Trailing.COUNT16),
    /** fuse_fallocate_in. */
    FALLOCATE(32, 32, 0, Trailing.NONE),
    /** fuse_lseek_in. */
    LSEEK(24, 24, 0, Trailing.NONE),
    /** fuse_copy_file_range_in (COPY_FILE_RANGE, COPY_FILE_RANGE_64). */
    COPY_FILE_RANGE(56, 56, 0, Trailing.NONE),
    /** fuse_setupmapping_in. */
    SETUPMAPPING(40, 40, 0, Trailing.NONE),
    /** fuse_removemapping_in (4 bytes) + count fuse_removemapping_one. */
    REMOVEMAPPING(4, 4, 0, Trailing.COUNT16),
    /** fuse_syncfs_in. */
    SYNCFS(8, 8, 0, Trailing.NONE),
    /** fuse_statx_in. */
    STATX(24, 24, 0, Trailing.NONE),
    /** fuse_notify_retrieve_in + size bytes (answer to a RETRIEVE notification). */
    NOTIFY_REPLY(40, 40, 0, Trailing.NOTIFY_REPLY);

    /** What follows the fixed struct (and its names). */
    public enum Trailing {
        NONE, WRITE, SETXATTR, IOCTL, COUNT16, NOTIFY_REPLY
    }

    private final int size;
    private final int compatSize;
    private final int names;
    private final Trailing trailing;

    BodyKind(int size, int compatSize, int names, Trailing trailing) {
        this.size = size;
        this.compatSize = compatSize;
        this.names = names;
        this.trailing = trailing;
    }

    /** The full (current protocol) size of the fixed struct. */
    public int size() {
        return size;
    }

    /** Number of NUL-terminated names that follow the fixed struct. */
    public int names() {
        return names;
    }

    public Trailing trailing() {
        return trailing;
    }

    /** True when the flyweight must see exactly {@link #fixedSize} bytes (names or data follow). */
    public boolean exactStruct() {
        return names > 0 || trailing != Trailing.NONE;
    }

    /**
     * The size of the fixed struct the kernel sends for this negotiated minor.
     *
     * @param setxattrExt whether FUSE_SETXATTR_EXT was negotiated
     */
    public int fixedSize(int minor, boolean setxattrExt) {
        switch (this) {
            case GETATTR:
            case READ:
            case WRITE:
            case LK:
                return minor < 9 ? compatSize : size;
            case MKNOD:
            case CREATE:
                return minor < 12 ? compatSize : size;
            case RELEASE:
                return minor < 8 ? compatSize : size;
            case SETXATTR:
                return setxattrExt ? size : compatSize;
            default:
                return compatSize;
        }
    }
}
