package io.purefuse.wire.debug;

import io.netty.buffer.ByteBuf;
import io.purefuse.wire.BodyKind;
import io.purefuse.wire.DecodeStatus;
import io.purefuse.wire.NotifyCode;
import io.purefuse.wire.Opcode;
import io.purefuse.wire.Protocol;
import io.purefuse.wire.RequestFrame;
import io.purefuse.wire.SetattrValid;
import io.purefuse.wire.in.*;
import java.nio.charset.StandardCharsets;

/**
 * Debug printer per struct: appends a JSON object of the fields of a decoded request, a reply
 * (given the opcode it answers and the negotiated minor) or a notification, with the kernel's
 * snake_case field names. Not for the hot path.
 */
public final class StructPrinter {
    /** Thrown when a reply or notification is too short for its struct. */
    public static final class MalformedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MalformedException(String reason) {
            super(reason, null, false, false);
        }
    }

    private StructPrinter() {
    }

    /** The JSON fields object of a request decoded OK ("{}" for bodiless or undecoded frames). */
    public static String request(RequestFrame f) {
        StringBuilder sb = new StringBuilder();
        request(sb, f);
        return sb.toString();
    }

    public static StringBuilder request(StringBuilder sb, RequestFrame f) {
        JsonOut j = new JsonOut(sb).open();
        if (f.status() == DecodeStatus.OK && f.opcode() != null) {
            requestFields(j, f);
        }
        j.close();
        return sb;
    }

    private static void requestFields(JsonOut j, RequestFrame f) {
        Opcode op = f.opcode();
        BodyKind kind = op.body();
        switch (kind) {
            case NONE:
                break;
            case INIT: {
                InitIn b = f.initIn();
                j.u32("major", b.major()).u32("minor", b.minor());
                if (b.structLength() >= 12) {
                    j.u32("max_readahead", b.maxReadahead());
                }
                if (b.structLength() >= 16) {
                    j.u32("flags", b.flags());
                }
                if (b.structLength() >= 20) {
                    j.u32("flags2", b.flags2());
                }
                break;
            }
            case CUSE_INIT: {
                CuseInitIn b = f.cuseInitIn();
                j.u32("major", b.major()).u32("minor", b.minor()).u32("flags", b.flags());
                break;
            }
            case GETATTR: {
                GetattrIn b = f.getattrIn();
                j.u32("getattr_flags", b.getattrFlags()).u64("fh", b.fh());
                break;
            }
            case SETATTR: {
                SetattrIn b = f.setattrIn();
                int v = b.valid();
                j.u32("valid", v);
                if ((v & SetattrValid.FATTR_FH) != 0) {
                    j.u64("fh", b.fh());
                }
                if ((v & SetattrValid.FATTR_SIZE) != 0) {
                    j.u64("size", b.size());
                }
                if ((v & SetattrValid.FATTR_LOCKOWNER) != 0) {
                    j.u64("lock_owner", b.lockOwner());
                }
                if ((v & SetattrValid.FATTR_ATIME) != 0) {
                    j.u64("atime", b.atime()).u32("atimensec", b.atimensec());
                }
                if ((v & SetattrValid.FATTR_MTIME) != 0) {
                    j.u64("mtime", b.mtime()).u32("mtimensec", b.mtimensec());
                }
                if ((v & SetattrValid.FATTR_CTIME) != 0) {
                    j.u64("ctime", b.ctime()).u32("ctimensec", b.ctimensec());
                }
                if ((v & SetattrValid.FATTR_MODE) != 0) {
                    j.u32("mode", b.mode());
                }
                if ((v & SetattrValid.FATTR_UID) != 0) {
                    j.u32("uid", b.uid());
                }
                if ((v & SetattrValid.FATTR_GID) != 0) {
                    j.u32("gid", b.gid());
                }
                break;
            }
            case NAME:
                j.str("name", f.nameIn().name());
                break;
            case SYMLINK: {
                SymlinkIn b = f.symlinkIn();
                j.str("name", b.name()).str("linkname", b.linkname());
                break;
            }
            case MKNOD: {
                MknodIn b = f.mknodIn();
                j.u32("mode", b.mode()).u32("rdev", b.rdev()).u32("umask", b.umask()).str("name", b.name());
                break;
            }
            case MKDIR: {
                MkdirIn b = f.mkdirIn();
                j.u32("mode", b.mode()).u32("umask", b.umask()).str("name", b.name());
                break;
            }
            case RENAME:
            case RENAME2: {
                RenameIn b = f.renameIn();
                j.u64("newdir", b.newdir());
                if (kind == BodyKind.RENAME2) {
                    j.u32("flags", b.flags());
                }
                j.str("oldname", b.oldname()).str("newname", b.newname());
                break;
            }
            case LINK: {
                LinkIn b = f.linkIn();
                j.u64("oldnodeid", b.oldnodeid()).str("newname", b.newname());
                break;
            }
            case OPEN: {
                OpenIn b = f.openIn();
                j.u32("flags", b.flags()).u32("open_flags", b.openFlags());
                break;
            }
            case CREATE: {
                CreateIn b = f.createIn();
                j.u32("flags", b.flags()).u32("mode", b.mode()).u32("umask", b.umask())
                    .u32("open_flags", b.openFlags()).str("name", b.name());
                break;
            }
            case READ: {
                ReadIn b = f.readIn();
                j.u64("fh", b.fh()).u64("offset", b.offset()).u32("size", b.size())
                    .u32("read_flags", b.readFlags()).u64("lock_owner", b.lockOwner())
                    .u32("flags", b.flags());
                break;
            }
            case WRITE: {
                WriteIn b = f.writeIn();
                j.u64("fh", b.fh()).u64("offset", b.offset()).u32("size", b.size())
                    .u32("write_flags", b.writeFlags()).u64("lock_owner", b.lockOwner())
                    .u32("flags", b.flags());
                break;
            }
            case RELEASE: {
                ReleaseIn b = f.releaseIn();
                j.u64("fh", b.fh()).u32("flags", b.flags()).u32("release_flags", b.releaseFlags())
                    .u64("lock_owner", b.lockOwner());
                break;
            }
            case FLUSH: {
                FlushIn b = f.flushIn();
                j.u64("fh", b.fh()).u64("lock_owner", b.lockOwner());
                break;
            }
            case FSYNC: {
                FsyncIn b = f.fsyncIn();
                j.u64("fh", b.fh()).u32("fsync_flags", b.fsyncFlags());
                break;
            }
            case SETXATTR: {
                SetxattrIn b = f.setxattrIn();
                j.u32("size", b.size()).u32("flags", b.flags()).u32("setxattr_flags", b.setxattrFlags())
                    .str("name", b.name());
                break;
            }
            case GETXATTR:
            case LISTXATTR: {
                GetxattrIn b = f.getxattrIn();
                j.u32("size", b.size());
                if (b.hasName()) {
                    j.str("name", b.name());
                }
                break;
            }
            case LK: {
                LkIn b = f.lkIn();
                j.u64("fh", b.fh()).u64("owner", b.owner()).open("lk").u64("start", b.lkStart())
                    .u64("end", b.lkEnd()).u32("type", b.lkType()).u32("pid", b.lkPid()).close()
                    .u32("lk_flags", b.lkFlags());
                break;
            }
            case ACCESS:
                j.u32("mask", f.accessIn().mask());
                break;
            case INTERRUPT:
                j.u64("unique", f.interruptIn().unique());
                break;
            case BMAP: {
                BmapIn b = f.bmapIn();
                j.u64("block", b.block()).u32("blocksize", b.blocksize());
                break;
            }
            case IOCTL: {
                IoctlIn b = f.ioctlIn();
                j.u64("fh", b.fh()).u32("flags", b.flags()).u32("cmd", b.cmd()).u64("arg", b.arg())
                    .u32("in_size", b.inSize()).u32("out_size", b.outSize());
                break;
            }
            case POLL: {
                PollIn b = f.pollIn();
                j.u64("fh", b.fh()).u64("kh", b.kh()).u32("flags", b.flags()).u32("events", b.events());
                break;
            }
            case FORGET:
                j.u64("nlookup", f.forgetIn().nlookup());
                break;
            case BATCH_FORGET: {
                BatchForgetIn b = f.batchForgetIn();
                j.u32("count", b.count()).openArray("forgets");
                for (int i = 0; i < b.count(); i++) {
                    j.openElement().u64("nodeid", b.nodeid(i)).u64("nlookup", b.nlookup(i)).close();
                }
                j.closeArray();
                break;
            }
            case FALLOCATE: {
                FallocateIn b = f.fallocateIn();
                j.u64("fh", b.fh()).u64("offset", b.offset()).u64("length", b.length()).u32("mode", b.mode());
                break;
            }
            case LSEEK: {
                LseekIn b = f.lseekIn();
                j.u64("fh", b.fh()).u64("offset", b.offset()).u32("whence", b.whence());
                break;
            }
            case COPY_FILE_RANGE: {
                CopyFileRangeIn b = f.copyFileRangeIn();
                j.u64("fh_in", b.fhIn()).u64("off_in", b.offIn()).u64("nodeid_out", b.nodeidOut())
                    .u64("fh_out", b.fhOut()).u64("off_out", b.offOut()).u64("len", b.len())
                    .u64("flags", b.flags());
                break;
            }
            case SETUPMAPPING: {
                SetupmappingIn b = f.setupmappingIn();
                j.u64("fh", b.fh()).u64("foffset", b.foffset()).u64("len", b.len()).u64("flags", b.flags())
                    .u64("moffset", b.moffset());
                break;
            }
            case REMOVEMAPPING: {
                RemovemappingIn b = f.removemappingIn();
                j.u32("count", b.count()).openArray("mappings");
                for (int i = 0; i < b.count(); i++) {
                    j.openElement().u64("moffset", b.moffset(i)).u64("len", b.len(i)).close();
                }
                j.closeArray();
                break;
            }
            case SYNCFS:
                break;
            case STATX: {
                StatxIn b = f.statxIn();
                j.u32("getattr_flags", b.getattrFlags()).u64("fh", b.fh()).u32("sx_flags", b.sxFlags())
                    .u32("sx_mask", b.sxMask());
                break;
            }
            case NOTIFY_REPLY: {
                NotifyRetrieveIn b = f.notifyRetrieveIn();
                j.u64("offset", b.offset()).u32("size", b.size());
                break;
            }
            default:
                break;
        }
    }

    /** Reply fields; GETXATTR/LISTXATTR replies of exactly 8 body bytes print as a size. */
    public static StringBuilder reply(StringBuilder sb, Opcode op, int minor, ByteBuf buf, int index, int length) {
        boolean sizeQuery = (op == Opcode.GETXATTR || op == Opcode.LISTXATTR)
            && length == Protocol.OUT_HEADER_SIZE + Protocol.GETXATTR_OUT_SIZE;
        return reply(sb, op, minor, sizeQuery, buf, index, length);
    }

    /**
     * Appends the fields of the reply frame at {@code index} ({@code length} bytes, header
     * included) answering a request of opcode {@code op}.
     *
     * @param xattrSizeQuery for GETXATTR/LISTXATTR: the request had size 0, so the reply is fuse_getxattr_out
     * @throws MalformedException when the frame is too short for its struct
     */
    public static StringBuilder reply(StringBuilder sb, Opcode op, int minor, boolean xattrSizeQuery,
                                      ByteBuf buf, int index, int length) {
        if (length < Protocol.OUT_HEADER_SIZE) {
            throw new MalformedException("reply shorter than fuse_out_header");
        }
        int error = buf.getIntLE(index + 4);
        int b = index + Protocol.OUT_HEADER_SIZE;
        int n = length - Protocol.OUT_HEADER_SIZE;
        JsonOut j = new JsonOut(sb).open();
        if (error != 0 || op == null) {
            if (n > 0) {
                j.u32("data_length", n);
            }
            return j.close().builder();
        }
        switch (op) {
            case LOOKUP:
            case MKNOD:
            case MKDIR:
            case SYMLINK:
            case LINK:
                need(n, Protocol.entryOutSize(minor), "fuse_entry_out");
                entry(j, buf, b, minor);
                break;
            case CREATE:
            case TMPFILE:
                need(n, Protocol.entryOutSize(minor) + Protocol.OPEN_OUT_SIZE, "fuse_entry_out + fuse_open_out");
                entry(j, buf, b, minor);
                openOut(j, buf, b + Protocol.entryOutSize(minor));
                break;
            case GETATTR:
            case SETATTR:
                need(n, Protocol.attrOutSize(minor), "fuse_attr_out");
                j.u64("attr_valid", buf.getLongLE(b)).u32("attr_valid_nsec", buf.getIntLE(b + 8));
                attr(j, buf, b + 16, minor);
                break;
            case OPEN:
            case OPENDIR:
                need(n, Protocol.OPEN_OUT_SIZE, "fuse_open_out");
                openOut(j, buf, b);
                break;
            case WRITE:
            case COPY_FILE_RANGE:
                need(n, Protocol.WRITE_OUT_SIZE, "fuse_write_out");
                j.u32("size", buf.getIntLE(b));
                break;
            case COPY_FILE_RANGE_64:
                need(n, Protocol.COPY_FILE_RANGE_OUT_SIZE, "fuse_copy_file_range_out");
                j.u64("bytes_copied", buf.getLongLE(b));
                break;
            case STATFS:
                need(n, Protocol.statfsOutSize(minor), "fuse_statfs_out");
                j.u64("blocks", buf.getLongLE(b)).u64("bfree", buf.getLongLE(b + 8))
                    .u64("bavail", buf.getLongLE(b + 16)).u64("files", buf.getLongLE(b + 24))
                    .u64("ffree", buf.getLongLE(b + 32)).u32("bsize", buf.getIntLE(b + 40))
                    .u32("namelen", buf.getIntLE(b + 44));
                if (minor >= 4) {
                    j.u32("frsize", buf.getIntLE(b + 48));
                }
                break;
            case GETXATTR:
            case LISTXATTR:
                if (xattrSizeQuery) {
                    need(n, Protocol.GETXATTR_OUT_SIZE, "fuse_getxattr_out");
                    j.u32("size", buf.getIntLE(b));
                } else {
                    j.u32("data_length", n);
                }
                break;
            case GETLK:
                need(n, Protocol.LK_OUT_SIZE, "fuse_lk_out");
                j.open("lk").u64("start", buf.getLongLE(b)).u64("end", buf.getLongLE(b + 8))
                    .u32("type", buf.getIntLE(b + 16)).u32("pid", buf.getIntLE(b + 20)).close();
                break;
            case BMAP:
                need(n, Protocol.BMAP_OUT_SIZE, "fuse_bmap_out");
                j.u64("block", buf.getLongLE(b));
                break;
            case POLL:
                need(n, Protocol.POLL_OUT_SIZE, "fuse_poll_out");
                j.u32("revents", buf.getIntLE(b));
                break;
            case LSEEK:
                need(n, Protocol.LSEEK_OUT_SIZE, "fuse_lseek_out");
                j.i64("offset", buf.getLongLE(b));
                break;
            case STATX:
                need(n, Protocol.STATX_OUT_SIZE, "fuse_statx_out");
                statx(j, buf, b);
                break;
            case IOCTL:
                need(n, Protocol.IOCTL_OUT_SIZE, "fuse_ioctl_out");
                j.i32("result", buf.getIntLE(b)).u32("flags", buf.getIntLE(b + 4))
                    .u32("in_iovs", buf.getIntLE(b + 8)).u32("out_iovs", buf.getIntLE(b + 12))
                    .u32("data_length", n - Protocol.IOCTL_OUT_SIZE);
                break;
            case INIT:
                initOut(j, buf, b, n);
                break;
            case READDIR:
            case READDIRPLUS:
                j.u32("data_length", n);
                dirents(j, buf, b, n, op == Opcode.READDIRPLUS, minor);
                break;
            case READLINK:
                j.u32("data_length", n).str("link", buf.toString(b, n, StandardCharsets.UTF_8));
                break;
            default:
                if (n > 0) {
                    j.u32("data_length", n);
                }
                break;
        }
        return j.close().builder();
    }

    private static void need(int have, int want, String struct) {
        if (have < want) {
            throw new MalformedException("reply body shorter than " + struct + " (" + have + " < " + want + ")");
        }
    }

    private static void initOut(JsonOut j, ByteBuf buf, int b, int n) {
        need(n, 8, "fuse_init_out");
        j.u32("major", buf.getIntLE(b)).u32("minor", buf.getIntLE(b + 4));
        if (n >= 24) {
            j.u32("max_readahead", buf.getIntLE(b + 8)).u32("flags", buf.getIntLE(b + 12))
                .u32("max_background", buf.getShortLE(b + 16) & 0xffff)
                .u32("congestion_threshold", buf.getShortLE(b + 18) & 0xffff)
                .u32("max_write", buf.getIntLE(b + 20));
        }
        if (n >= 64) {
            j.u32("time_gran", buf.getIntLE(b + 24)).u32("max_pages", buf.getShortLE(b + 28) & 0xffff)
                .u32("map_alignment", buf.getShortLE(b + 30) & 0xffff).u32("flags2", buf.getIntLE(b + 32))
                .u32("max_stack_depth", buf.getIntLE(b + 36))
                .u32("request_timeout", buf.getShortLE(b + 40) & 0xffff);
        }
    }

    private static void openOut(JsonOut j, ByteBuf buf, int b) {
        j.u64("fh", buf.getLongLE(b)).u32("open_flags", buf.getIntLE(b + 8)).i32("backing_id", buf.getIntLE(b + 12));
    }

    private static void entry(JsonOut j, ByteBuf buf, int b, int minor) {
        j.u64("nodeid", buf.getLongLE(b)).u64("generation", buf.getLongLE(b + 8))
            .u64("entry_valid", buf.getLongLE(b + 16)).u32("entry_valid_nsec", buf.getIntLE(b + 32))
            .u64("attr_valid", buf.getLongLE(b + 24)).u32("attr_valid_nsec", buf.getIntLE(b + 36));
        attr(j, buf, b + 40, minor);
    }

    private static void attr(JsonOut j, ByteBuf buf, int a, int minor) {
        j.open("attr").u64("ino", buf.getLongLE(a)).u64("size", buf.getLongLE(a + 8))
            .u64("blocks", buf.getLongLE(a + 16)).u64("atime", buf.getLongLE(a + 24))
            .u64("mtime", buf.getLongLE(a + 32)).u64("ctime", buf.getLongLE(a + 40))
            .u32("atimensec", buf.getIntLE(a + 48)).u32("mtimensec", buf.getIntLE(a + 52))
            .u32("ctimensec", buf.getIntLE(a + 56)).u32("mode", buf.getIntLE(a + 60))
            .u32("nlink", buf.getIntLE(a + 64)).u32("uid", buf.getIntLE(a + 68))
            .u32("gid", buf.getIntLE(a + 72)).u32("rdev", buf.getIntLE(a + 76));
        if (minor >= 9) {
            j.u32("blksize", buf.getIntLE(a + 80)).u32("flags", buf.getIntLE(a + 84));
        }
        j.close();
    }

    private static void statx(JsonOut j, ByteBuf buf, int b) {
        j.u64("attr_valid", buf.getLongLE(b)).u32("attr_valid_nsec", buf.getIntLE(b + 8))
            .u32("flags", buf.getIntLE(b + 12));
        int s = b + 32;
        j.open("stat").u32("mask", buf.getIntLE(s)).u32("blksize", buf.getIntLE(s + 4))
            .u64("attributes", buf.getLongLE(s + 8)).u32("nlink", buf.getIntLE(s + 16))
            .u32("uid", buf.getIntLE(s + 20)).u32("gid", buf.getIntLE(s + 24))
            .u32("mode", buf.getShortLE(s + 28) & 0xffff).u64("ino", buf.getLongLE(s + 32))
            .u64("size", buf.getLongLE(s + 40)).u64("blocks", buf.getLongLE(s + 48))
            .u64("attributes_mask", buf.getLongLE(s + 56));
        String[] times = {"atime", "btime", "ctime", "mtime"};
        for (int i = 0; i < 4; i++) {
            int t = s + 64 + 16 * i;
            j.open(times[i]).i64("tv_sec", buf.getLongLE(t)).u32("tv_nsec", buf.getIntLE(t + 8)).close();
        }
        j.u32("rdev_major", buf.getIntLE(s + 128)).u32("rdev_minor", buf.getIntLE(s + 132))
            .u32("dev_major", buf.getIntLE(s + 136)).u32("dev_minor", buf.getIntLE(s + 140)).close();
    }

    private static void dirents(JsonOut j, ByteBuf buf, int b, int n, boolean plus, int minor) {
        int entrySize = plus ? Protocol.entryOutSize(minor) : 0;
        int p = b;
        int end = b + n;
        j.openArray("entries");
        while (p < end) {
            if (end - p < entrySize + Protocol.DIRENT_HEADER_SIZE) {
                throw new MalformedException("truncated dirent");
            }
            int d = p + entrySize;
            int namelen = buf.getIntLE(d + 16);
            if (namelen < 0 || namelen > end - d - Protocol.DIRENT_HEADER_SIZE) {
                throw new MalformedException("dirent name exceeds the reply");
            }
            j.openElement();
            if (plus) {
                j.u64("nodeid", buf.getLongLE(p)).u64("generation", buf.getLongLE(p + 8))
                    .u64("entry_valid", buf.getLongLE(p + 16)).u64("attr_valid", buf.getLongLE(p + 24));
                attr(j, buf, p + 40, minor);
            }
            j.u64("ino", buf.getLongLE(d)).u64("off", buf.getLongLE(d + 8))
                .u32("type", buf.getIntLE(d + 20))
                .str("name", buf.toString(d + Protocol.DIRENT_HEADER_SIZE, namelen, StandardCharsets.UTF_8))
                .close();
            p += Protocol.align8(entrySize + Protocol.DIRENT_HEADER_SIZE + namelen);
        }
        j.closeArray();
    }

    /**
     * Appends the fields of a notification frame (header included).
     *
     * @throws MalformedException when the frame is too short or the code unknown
     */
    public static StringBuilder notification(StringBuilder sb, ByteBuf buf, int index, int length) {
        if (length < Protocol.OUT_HEADER_SIZE) {
            throw new MalformedException("notification shorter than fuse_out_header");
        }
        NotifyCode code = NotifyCode.of(buf.getIntLE(index + 4));
        if (code == null) {
            throw new MalformedException("unknown notify code");
        }
        int b = index + Protocol.OUT_HEADER_SIZE;
        int n = length - Protocol.OUT_HEADER_SIZE;
        JsonOut j = new JsonOut(sb).open();
        switch (code) {
            case POLL:
                need(n, Protocol.NOTIFY_POLL_SIZE, "fuse_notify_poll_wakeup_out");
                j.u64("kh", buf.getLongLE(b));
                break;
            case INVAL_INODE:
                need(n, Protocol.NOTIFY_INVAL_INODE_SIZE, "fuse_notify_inval_inode_out");
                j.u64("ino", buf.getLongLE(b)).i64("off", buf.getLongLE(b + 8)).i64("len", buf.getLongLE(b + 16));
                break;
            case INVAL_ENTRY: {
                need(n, Protocol.NOTIFY_INVAL_ENTRY_SIZE, "fuse_notify_inval_entry_out");
                int namelen = buf.getIntLE(b + 8);
                needName(n, Protocol.NOTIFY_INVAL_ENTRY_SIZE, namelen);
                j.u64("parent", buf.getLongLE(b)).u32("namelen", namelen).u32("flags", buf.getIntLE(b + 12))
                    .str("name", buf.toString(b + 16, namelen, StandardCharsets.UTF_8));
                break;
            }
            case DELETE: {
                need(n, Protocol.NOTIFY_DELETE_SIZE, "fuse_notify_delete_out");
                int namelen = buf.getIntLE(b + 16);
                needName(n, Protocol.NOTIFY_DELETE_SIZE, namelen);
                j.u64("parent", buf.getLongLE(b)).u64("child", buf.getLongLE(b + 8)).u32("namelen", namelen)
                    .str("name", buf.toString(b + 24, namelen, StandardCharsets.UTF_8));
                break;
            }
            case STORE:
                need(n, Protocol.NOTIFY_STORE_SIZE, "fuse_notify_store_out");
                j.u64("nodeid", buf.getLongLE(b)).u64("offset", buf.getLongLE(b + 8))
                    .u32("size", buf.getIntLE(b + 16)).u32("data_length", n - Protocol.NOTIFY_STORE_SIZE);
                break;
            case RETRIEVE:
                need(n, Protocol.NOTIFY_RETRIEVE_SIZE, "fuse_notify_retrieve_out");
                j.u64("notify_unique", buf.getLongLE(b)).u64("nodeid", buf.getLongLE(b + 8))
                    .u64("offset", buf.getLongLE(b + 16)).u32("size", buf.getIntLE(b + 24));
                break;
            case PRUNE: {
                need(n, Protocol.NOTIFY_PRUNE_SIZE, "fuse_notify_prune_out");
                int count = buf.getIntLE(b);
                if (count < 0 || (long) count * 8 > n - Protocol.NOTIFY_PRUNE_SIZE) {
                    throw new MalformedException("prune count exceeds the notification");
                }
                j.u32("count", count).openArray("nodeids");
                for (int i = 0; i < count; i++) {
                    j.elementU64(buf.getLongLE(b + 16 + 8 * i));
                }
                j.closeArray();
                break;
            }
            case RESEND:
            case INC_EPOCH:
            default:
                break;
        }
        return j.close().builder();
    }

    private static void needName(int n, int struct, int namelen) {
        if (namelen < 0 || (long) struct + namelen + 1 > n) {
            throw new MalformedException("notification name exceeds the frame");
        }
    }
}
