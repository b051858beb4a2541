package io.purefuse.wire;

/** Protocol version and struct sizes, with the compat sizes older minors use. */
public final class Protocol {
    public static final int KERNEL_VERSION = 7;
    public static final int KERNEL_MINOR_VERSION = 45;
    public static final int ROOT_ID = 1;

    public static final int IN_HEADER_SIZE = 40;
    public static final int OUT_HEADER_SIZE = 16;
    /** FUSE_MIN_READ_BUFFER. */
    public static final int MIN_READ_BUFFER = 8192;
    public static final int PAGE_SIZE = 4096;
    /** Kernel default max_pages when FUSE_MAX_PAGES is not negotiated. */
    public static final int DEFAULT_MAX_PAGES = 32;
    /** Kernel limit on max_pages (fuse_max_pages_limit default). */
    public static final int MAX_MAX_PAGES = 256;

    public static final int ATTR_SIZE = 88;
    public static final int COMPAT_ATTR_SIZE = 80;
    public static final int ENTRY_OUT_SIZE = 128;
    public static final int COMPAT_ENTRY_OUT_SIZE = 120;
    public static final int ATTR_OUT_SIZE = 104;
    public static final int COMPAT_ATTR_OUT_SIZE = 96;
    public static final int INIT_IN_SIZE = 64;
    public static final int COMPAT_INIT_IN_SIZE = 16;
    public static final int INIT_OUT_SIZE = 64;
    public static final int COMPAT_22_INIT_OUT_SIZE = 24;
    public static final int COMPAT_INIT_OUT_SIZE = 8;
    public static final int STATFS_OUT_SIZE = 80;
    public static final int COMPAT_STATFS_SIZE = 48;
    public static final int OPEN_OUT_SIZE = 16;
    public static final int WRITE_OUT_SIZE = 8;
    public static final int GETXATTR_OUT_SIZE = 8;
    public static final int LK_OUT_SIZE = 24;
    public static final int BMAP_OUT_SIZE = 8;
    public static final int POLL_OUT_SIZE = 8;
    public static final int LSEEK_OUT_SIZE = 8;
    public static final int COPY_FILE_RANGE_OUT_SIZE = 8;
    public static final int IOCTL_OUT_SIZE = 16;
    public static final int STATX_SIZE = 256;
    public static final int STATX_OUT_SIZE = 288;
    public static final int CUSE_INIT_OUT_SIZE = 72;
    public static final int WRITE_IN_SIZE = 40;
    public static final int COMPAT_WRITE_IN_SIZE = 24;
    public static final int SETXATTR_IN_SIZE = 16;
    public static final int COMPAT_SETXATTR_IN_SIZE = 8;
    public static final int MKNOD_IN_SIZE = 16;
    public static final int COMPAT_MKNOD_IN_SIZE = 8;
    public static final int DIRENT_HEADER_SIZE = 24;
    public static final int EXT_HEADER_SIZE = 8;

    public static final int NOTIFY_POLL_SIZE = 8;
    public static final int NOTIFY_INVAL_INODE_SIZE = 24;
    public static final int NOTIFY_INVAL_ENTRY_SIZE = 16;
    public static final int NOTIFY_DELETE_SIZE = 24;
    public static final int NOTIFY_STORE_SIZE = 24;
    public static final int NOTIFY_RETRIEVE_SIZE = 32;
    public static final int NOTIFY_PRUNE_SIZE = 16;

    private Protocol() {
    }

    public static int attrSize(int minor) {
        return minor < 9 ? COMPAT_ATTR_SIZE : ATTR_SIZE;
    }

    public static int entryOutSize(int minor) {
        return minor < 9 ? COMPAT_ENTRY_OUT_SIZE : ENTRY_OUT_SIZE;
    }

    public static int attrOutSize(int minor) {
        return minor < 9 ? COMPAT_ATTR_OUT_SIZE : ATTR_OUT_SIZE;
    }

    public static int initOutSize(int minor) {
        return minor < 5 ? COMPAT_INIT_OUT_SIZE : minor < 23 ? COMPAT_22_INIT_OUT_SIZE : INIT_OUT_SIZE;
    }

    public static int statfsOutSize(int minor) {
        return minor < 4 ? COMPAT_STATFS_SIZE : STATFS_OUT_SIZE;
    }

    public static int writeInSize(int minor) {
        return minor < 9 ? COMPAT_WRITE_IN_SIZE : WRITE_IN_SIZE;
    }

    public static int setxattrInSize(boolean setxattrExt) {
        return setxattrExt ? SETXATTR_IN_SIZE : COMPAT_SETXATTR_IN_SIZE;
    }

    /** 8-byte alignment of variable length records (FUSE_REC_ALIGN). */
    public static int align8(int x) {
        return (x + 7) & ~7;
    }

    /** Size of a fuse_dirent with a name of this many bytes, aligned. */
    public static int direntSize(int nameLength) {
        return align8(DIRENT_HEADER_SIZE + nameLength);
    }

    /** Size of a fuse_direntplus with a name of this many bytes, aligned. */
    public static int direntplusSize(int nameLength, int minor) {
        return align8(entryOutSize(minor) + DIRENT_HEADER_SIZE + nameLength);
    }
}
