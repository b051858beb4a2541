package io.purefuse.wire;

/** The small flag groups of fuse.h, named as in the kernel (without the FUSE_ prefix). */
public final class Flags {
    /** fuse_getattr_in.getattr_flags. */
    public static final int GETATTR_FH = 1 << 0;

    /** fuse_release_in.release_flags. */
    public static final int RELEASE_FLUSH = 1 << 0;
    public static final int RELEASE_FLOCK_UNLOCK = 1 << 1;

    /** fuse_lk_in.lk_flags. */
    public static final int LK_FLOCK = 1 << 0;

    /** fuse_write_in.write_flags. */
    public static final int WRITE_CACHE = 1 << 0;
    public static final int WRITE_LOCKOWNER = 1 << 1;
    public static final int WRITE_KILL_SUIDGID = 1 << 2;
    /** Obsolete alias of {@link #WRITE_KILL_SUIDGID}. */
    public static final int WRITE_KILL_PRIV = WRITE_KILL_SUIDGID;

    /** fuse_read_in.read_flags. */
    public static final int READ_LOCKOWNER = 1 << 1;

    /** fuse_fsync_in.fsync_flags. */
    public static final int FSYNC_FDATASYNC = 1 << 0;

    /** fuse_rename2_in.flags (renameat2). */
    public static final int RENAME_NOREPLACE = 1 << 0;
    public static final int RENAME_EXCHANGE = 1 << 1;
    public static final int RENAME_WHITEOUT = 1 << 2;

    /** fuse_notify_inval_entry_out.flags. */
    public static final int EXPIRE_ONLY = 1 << 0;

    /** fuse_ioctl_in.flags / fuse_ioctl_out.flags. */
    public static final int IOCTL_COMPAT = 1 << 0;
    public static final int IOCTL_UNRESTRICTED = 1 << 1;
    public static final int IOCTL_RETRY = 1 << 2;
    public static final int IOCTL_32BIT = 1 << 3;
    public static final int IOCTL_DIR = 1 << 4;
    public static final int IOCTL_COMPAT_X32 = 1 << 5;
    public static final int IOCTL_MAX_IOV = 256;

    /** fuse_poll_in.flags. */
    public static final int POLL_SCHEDULE_NOTIFY = 1 << 0;

    /** fuse_attr.flags. */
    public static final int ATTR_SUBMOUNT = 1 << 0;
    public static final int ATTR_DAX = 1 << 1;

    /** fuse_setxattr_in.setxattr_flags. */
    public static final int SETXATTR_ACL_KILL_SGID = 1 << 0;

    /** fuse_setupmapping_in.flags. */
    public static final long SETUPMAPPING_FLAG_WRITE = 1L << 0;
    public static final long SETUPMAPPING_FLAG_READ = 1L << 1;

    /** fuse_in_header.unique: set on a request the kernel resends (FUSE_HAS_RESEND). */
    public static final long UNIQUE_RESEND = 1L << 63;

    /** fuse_in_header uid/gid when an idmapped mount cannot map the caller. */
    public static final int INVALID_UIDGID = -1;

    /** fuse_ext_header.type values (0..31 are fuse_secctx_header.nr_secctx). */
    public static final int MAX_NR_SECCTX = 31;
    public static final int EXT_GROUPS = 32;

    /** Root node id. */
    public static final long ROOT_ID = 1;

    private Flags() {
    }
}
