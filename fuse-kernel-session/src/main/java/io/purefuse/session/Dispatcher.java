package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import io.purefuse.wire.Errno;
import io.purefuse.wire.Flags;
import io.purefuse.wire.RequestFrame;
import io.purefuse.wire.in.BatchForgetIn;
import io.purefuse.wire.in.CreateIn;
import io.purefuse.wire.in.FallocateIn;
import io.purefuse.wire.in.FsyncIn;
import io.purefuse.wire.in.GetattrIn;
import io.purefuse.wire.in.GetxattrIn;
import io.purefuse.wire.in.LinkIn;
import io.purefuse.wire.in.LkIn;
import io.purefuse.wire.in.LseekIn;
import io.purefuse.wire.in.MkdirIn;
import io.purefuse.wire.in.MknodIn;
import io.purefuse.wire.in.NameIn;
import io.purefuse.wire.in.OpenIn;
import io.purefuse.wire.in.ReadIn;
import io.purefuse.wire.in.ReleaseIn;
import io.purefuse.wire.in.RenameIn;
import io.purefuse.wire.in.SetxattrIn;
import io.purefuse.wire.in.StatxIn;
import io.purefuse.wire.in.SymlinkIn;
import io.purefuse.wire.in.WriteIn;

/**
 * Turns one decoded request into one call of the {@link LowLevelFilesystem}: a case per opcode,
 * arguments taken from the decoded struct. Requests that are the session's own business (INIT,
 * INTERRUPT, DESTROY, FORGET counting) are handled by {@link ReaderLoop} before this.
 *
 * <p>Names must be valid UTF-8: a name that is not is answered EILSEQ here, so that no
 * filesystem ever sees a mangled name.
 */
final class Dispatcher {
    private final LowLevelFilesystem fs;

    Dispatcher(LowLevelFilesystem fs) {
        this.fs = fs;
    }

    /**
     * Whether {@code fs} implements {@code method} itself rather than inheriting the ENOSYS
     * default: READDIRPLUS is negotiated only then, since the kernel does not fall back to
     * READDIR after an ENOSYS. Called once at INIT.
     */
    static boolean implementsMethod(LowLevelFilesystem fs, String method, Class<?>... params) {
        try {
            return fs.getClass().getMethod(method, params).getDeclaringClass() != LowLevelFilesystem.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Dispatches a request that needs a reply. */
    void dispatch(RequestFrame f, Request req) {
        long nodeid = f.nodeid();
        switch (f.opcode()) {
            case LOOKUP -> {
                NameIn in = f.nameIn();
                if (validName(req, in.nameIsValidUtf8())) {
                    fs.lookup(req, nodeid, in.name());
                }
            }
            case GETATTR -> {
                GetattrIn in = f.getattrIn();
                fs.getattr(req, nodeid, (in.getattrFlags() & Flags.GETATTR_FH) != 0 ? in.fh() : -1);
            }
            case SETATTR -> fs.setattr(req, nodeid, f.setattrIn());
            case READLINK -> fs.readlink(req, nodeid);
            case SYMLINK -> {
                SymlinkIn in = f.symlinkIn();
                if (validName(req, in.nameIsValidUtf8() && in.linknameIsValidUtf8())) {
                    fs.symlink(req, nodeid, in.name(), in.linkname());
                }
            }
            case MKNOD -> {
                MknodIn in = f.mknodIn();
                if (validName(req, in.nameIsValidUtf8())) {
                    fs.mknod(req, nodeid, in.name(), in.mode(), in.rdev(), in.umask());
                }
            }
            case MKDIR -> {
                MkdirIn in = f.mkdirIn();
                if (validName(req, in.nameIsValidUtf8())) {
                    fs.mkdir(req, nodeid, in.name(), in.mode(), in.umask());
                }
            }
            case UNLINK -> {
                NameIn in = f.nameIn();
                if (validName(req, in.nameIsValidUtf8())) {
                    fs.unlink(req, nodeid, in.name());
                }
            }
            case RMDIR -> {
                NameIn in = f.nameIn();
                if (validName(req, in.nameIsValidUtf8())) {
                    fs.rmdir(req, nodeid, in.name());
                }
            }
            case RENAME, RENAME2 -> {
                RenameIn in = f.renameIn();
                if (validName(req, in.oldnameIsValidUtf8() && in.newnameIsValidUtf8())) {
                    fs.rename(req, nodeid, in.oldname(), in.newdir(), in.newname(), in.flags());
                }
            }
            case LINK -> {
                LinkIn in = f.linkIn();
                if (validName(req, in.newnameIsValidUtf8())) {
                    fs.link(req, in.oldnodeid(), nodeid, in.newname());
                }
            }
            case OPEN -> fs.open(req, nodeid, f.openIn().flags());
            case READ -> {
                ReadIn in = f.readIn();
                fs.read(req, nodeid, in.fh(), in.offset(), in.size(), in.flags());
            }
            case WRITE -> {
                WriteIn in = f.writeIn();
                ByteBuf data = f.buffer();
                // Point the frame buffer at the payload instead of slicing: no allocation.
                data.setIndex(in.dataIndex(), in.dataIndex() + in.size());
                fs.write(req, nodeid, in.fh(), in.offset(), data, in.writeFlags(), in.flags());
            }
            case STATFS -> fs.statfs(req, nodeid);
            case RELEASE -> {
                ReleaseIn in = f.releaseIn();
                fs.release(req, nodeid, in.fh(), in.flags(), in.releaseFlags(), in.lockOwner());
            }
            case FSYNC -> {
                FsyncIn in = f.fsyncIn();
                fs.fsync(req, nodeid, in.fh(), (in.fsyncFlags() & Flags.FSYNC_FDATASYNC) != 0);
            }
            case SETXATTR -> {
                SetxattrIn in = f.setxattrIn();
                if (validName(req, in.nameIsValidUtf8())) {
                    ByteBuf value = f.buffer();
                    value.setIndex(in.valueIndex(), in.valueIndex() + in.valueLength());
                    fs.setxattr(req, nodeid, in.name(), value, in.flags());
                }
            }
            case GETXATTR -> {
                GetxattrIn in = f.getxattrIn();
                if (validName(req, in.nameIsValidUtf8())) {
                    fs.getxattr(req, nodeid, in.name(), in.size());
                }
            }
            case LISTXATTR -> fs.listxattr(req, nodeid, f.getxattrIn().size());
            case REMOVEXATTR -> {
                NameIn in = f.nameIn();
                if (validName(req, in.nameIsValidUtf8())) {
                    fs.removexattr(req, nodeid, in.name());
                }
            }
            case FLUSH -> fs.flush(req, nodeid, f.flushIn().fh(), f.flushIn().lockOwner());
            case OPENDIR -> fs.opendir(req, nodeid, f.openIn().flags());
            case READDIR -> {
                ReadIn in = f.readIn();
                fs.readdir(req, nodeid, in.fh(), in.offset(), in.size());
            }
            case READDIRPLUS -> {
                ReadIn in = f.readIn();
                fs.readdirplus(req, nodeid, in.fh(), in.offset(), in.size());
            }
            case RELEASEDIR -> {
                ReleaseIn in = f.releaseIn();
                fs.releasedir(req, nodeid, in.fh(), in.flags());
            }
            case FSYNCDIR -> {
                FsyncIn in = f.fsyncIn();
                fs.fsyncdir(req, nodeid, in.fh(), (in.fsyncFlags() & Flags.FSYNC_FDATASYNC) != 0);
            }
            case GETLK -> fs.getlk(req, nodeid, f.lkIn());
            case SETLK -> fs.setlk(req, nodeid, f.lkIn(), false);
            case SETLKW -> fs.setlk(req, nodeid, f.lkIn(), true);
            case ACCESS -> fs.access(req, nodeid, f.accessIn().mask());
            case CREATE -> {
                CreateIn in = f.createIn();
                if (validName(req, in.nameIsValidUtf8())) {
                    fs.create(req, nodeid, in.name(), in.mode(), in.umask(), in.flags());
                }
            }
            case TMPFILE -> {
                CreateIn in = f.createIn();
                fs.tmpfile(req, nodeid, in.mode(), in.umask(), in.flags());
            }
            case BMAP -> fs.bmap(req, nodeid, f.bmapIn().blocksize(), f.bmapIn().block());
            case FALLOCATE -> {
                FallocateIn in = f.fallocateIn();
                fs.fallocate(req, nodeid, in.fh(), in.offset(), in.length(), in.mode());
            }
            case LSEEK -> {
                LseekIn in = f.lseekIn();
                fs.lseek(req, nodeid, in.fh(), in.offset(), in.whence());
            }
            case COPY_FILE_RANGE, COPY_FILE_RANGE_64 -> fs.copyFileRange(req, f.copyFileRangeIn());
            case STATX -> {
                StatxIn in = f.statxIn();
                fs.statx(req, nodeid, (in.getattrFlags() & Flags.GETATTR_FH) != 0 ? in.fh() : -1, in.sxFlags(), in.sxMask());
            }
            case SYNCFS -> fs.syncfs(req, nodeid);
            // IOCTL, POLL, SETUPMAPPING, REMOVEMAPPING, NOTIFY_REPLY without a pending retrieve,
            // CUSE_INIT: not offered by the filesystem API yet; ENOSYS tells the kernel so.
            default -> req.replyError(Errno.ENOSYS);
        }
    }

    /** FORGET and BATCH_FORGET: no reply. */
    void forget(RequestFrame f) {
        switch (f.opcode()) {
            case FORGET -> fs.forget(f.nodeid(), f.forgetIn().nlookup());
            case BATCH_FORGET -> {
                BatchForgetIn in = f.batchForgetIn();
                for (int i = 0, n = in.count(); i < n; i++) {
                    fs.forget(in.nodeid(i), in.nlookup(i));
                }
            }
            default -> throw new IllegalArgumentException(String.valueOf(f.opcode()));
        }
    }

    private static boolean validName(Request req, boolean valid) {
        if (!valid) {
            req.replyError(Errno.EILSEQ);
        }
        return valid;
    }
}
