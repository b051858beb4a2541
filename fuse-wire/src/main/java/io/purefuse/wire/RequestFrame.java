package io.purefuse.wire;

import io.netty.buffer.ByteBuf;
import io.purefuse.wire.in.*;

/**
 * A reusable holder for one decoded request: the fuse_in_header fields and the body flyweight,
 * bound to the frame's buffer. Filled by {@link RequestDecoder#decode}; valid until the next
 * decode into it and only while the buffer is. Allocates nothing per frame.
 */
public final class RequestFrame {
    private final InitIn initIn = new InitIn();
    private final CuseInitIn cuseInitIn = new CuseInitIn();
    private final GetattrIn getattrIn = new GetattrIn();
    private final SetattrIn setattrIn = new SetattrIn();
    private final NameIn nameIn = new NameIn();
    private final SymlinkIn symlinkIn = new SymlinkIn();
    private final MknodIn mknodIn = new MknodIn();
    private final MkdirIn mkdirIn = new MkdirIn();
    private final RenameIn renameIn = new RenameIn();
    private final LinkIn linkIn = new LinkIn();
    private final OpenIn openIn = new OpenIn();
    private final CreateIn createIn = new CreateIn();
    private final ReadIn readIn = new ReadIn();
    private final WriteIn writeIn = new WriteIn();
    private final ReleaseIn releaseIn = new ReleaseIn();
    private final FlushIn flushIn = new FlushIn();
    private final FsyncIn fsyncIn = new FsyncIn();
    private final SetxattrIn setxattrIn = new SetxattrIn();
    private final GetxattrIn getxattrIn = new GetxattrIn();
    private final LkIn lkIn = new LkIn();
    private final AccessIn accessIn = new AccessIn();
    private final InterruptIn interruptIn = new InterruptIn();
    private final BmapIn bmapIn = new BmapIn();
    private final IoctlIn ioctlIn = new IoctlIn();
    private final PollIn pollIn = new PollIn();
    private final ForgetIn forgetIn = new ForgetIn();
    private final BatchForgetIn batchForgetIn = new BatchForgetIn();
    private final FallocateIn fallocateIn = new FallocateIn();
    private final LseekIn lseekIn = new LseekIn();
    private final CopyFileRangeIn copyFileRangeIn = new CopyFileRangeIn();
    private final SetupmappingIn setupmappingIn = new SetupmappingIn();
    private final RemovemappingIn removemappingIn = new RemovemappingIn();
    private final SyncfsIn syncfsIn = new SyncfsIn();
    private final StatxIn statxIn = new StatxIn();
    private final NotifyRetrieveIn notifyRetrieveIn = new NotifyRetrieveIn();
    private final InStruct[] bodies = new InStruct[BodyKind.values().length];

    ByteBuf buffer;
    int frameIndex;
    int frameLength;
    int len;
    int rawOpcode;
    Opcode opcode;
    long unique;
    long nodeid;
    int uid;
    int gid;
    int pid;
    int totalExtlen;
    int bodyIndex;
    int bodyLength;
    InStruct body;
    DecodeStatus status;
    int errno;
    String reason;

    public RequestFrame() {
        bodies[BodyKind.INIT.ordinal()] = initIn;
        bodies[BodyKind.CUSE_INIT.ordinal()] = cuseInitIn;
        bodies[BodyKind.GETATTR.ordinal()] = getattrIn;
        bodies[BodyKind.SETATTR.ordinal()] = setattrIn;
        bodies[BodyKind.NAME.ordinal()] = nameIn;
        bodies[BodyKind.SYMLINK.ordinal()] = symlinkIn;
        bodies[BodyKind.MKNOD.ordinal()] = mknodIn;
        bodies[BodyKind.MKDIR.ordinal()] = mkdirIn;
        bodies[BodyKind.RENAME.ordinal()] = renameIn;
        bodies[BodyKind.RENAME2.ordinal()] = renameIn;
        bodies[BodyKind.LINK.ordinal()] = linkIn;
        bodies[BodyKind.OPEN.ordinal()] = openIn;
        bodies[BodyKind.CREATE.ordinal()] = createIn;
        bodies[BodyKind.READ.ordinal()] = readIn;
        bodies[BodyKind.WRITE.ordinal()] = writeIn;
        bodies[BodyKind.RELEASE.ordinal()] = releaseIn;
        bodies[BodyKind.FLUSH.ordinal()] = flushIn;
        bodies[BodyKind.FSYNC.ordinal()] = fsyncIn;
        bodies[BodyKind.SETXATTR.ordinal()] = setxattrIn;
        bodies[BodyKind.GETXATTR.ordinal()] = getxattrIn;
        bodies[BodyKind.LISTXATTR.ordinal()] = getxattrIn;
        bodies[BodyKind.LK.ordinal()] = lkIn;
        bodies[BodyKind.ACCESS.ordinal()] = accessIn;
        bodies[BodyKind.INTERRUPT.ordinal()] = interruptIn;
        bodies[BodyKind.BMAP.ordinal()] = bmapIn;
        bodies[BodyKind.IOCTL.ordinal()] = ioctlIn;
        bodies[BodyKind.POLL.ordinal()] = pollIn;
        bodies[BodyKind.FORGET.ordinal()] = forgetIn;
        bodies[BodyKind.BATCH_FORGET.ordinal()] = batchForgetIn;
        bodies[BodyKind.FALLOCATE.ordinal()] = fallocateIn;
        bodies[BodyKind.LSEEK.ordinal()] = lseekIn;
        bodies[BodyKind.COPY_FILE_RANGE.ordinal()] = copyFileRangeIn;
        bodies[BodyKind.SETUPMAPPING.ordinal()] = setupmappingIn;
        bodies[BodyKind.REMOVEMAPPING.ordinal()] = removemappingIn;
        bodies[BodyKind.SYNCFS.ordinal()] = syncfsIn;
        bodies[BodyKind.STATX.ordinal()] = statxIn;
        bodies[BodyKind.NOTIFY_REPLY.ordinal()] = notifyRetrieveIn;
    }

    void reset(ByteBuf frame) {
        buffer = frame;
        frameIndex = frame.readerIndex();
        frameLength = frame.readableBytes();
        len = 0;
        rawOpcode = 0;
        opcode = null;
        unique = 0;
        nodeid = 0;
        uid = 0;
        gid = 0;
        pid = 0;
        totalExtlen = 0;
        bodyIndex = frameIndex;
        bodyLength = 0;
        body = null;
        status = null;
        errno = 0;
        reason = null;
    }

    InStruct bodyFor(BodyKind kind) {
        return bodies[kind.ordinal()];
    }

    private IllegalStateException wrongBody(String wanted) {
        return new IllegalStateException("frame body is not " + wanted + " (opcode " + opcode
            + ", status " + status + ")");
    }

    /** fuse_in_header.len (the frame length when decoded OK). */
    public int len() {
        return len;
    }

    /** The opcode number as sent (valid unless TOO_SHORT). */
    public int rawOpcode() {
        return rawOpcode;
    }

    /** The opcode, or null when unknown (or TOO_SHORT). */
    public Opcode opcode() {
        return opcode;
    }

    /** fuse_in_header.unique (valid unless TOO_SHORT). */
    public long unique() {
        return unique;
    }

    /** True when the kernel resent this request (FUSE_UNIQUE_RESEND, bit 63 of unique). */
    public boolean isResend() {
        return unique < 0;
    }

    public long nodeid() {
        return nodeid;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    public int pid() {
        return pid;
    }

    /** Length of the extensions in 8-byte units. */
    public int totalExtlen() {
        return totalExtlen;
    }

    /** Absolute index of the extensions (they end the frame). */
    public int extensionsIndex() {
        return frameIndex + frameLength - totalExtlen * 8;
    }

    /** Bytes of extensions. */
    public int extensionsLength() {
        return totalExtlen * 8;
    }

    /** The buffer holding the frame. */
    public ByteBuf buffer() {
        return buffer;
    }

    /** Absolute index of the frame (the in-header) in {@link #buffer()}. */
    public int frameIndex() {
        return frameIndex;
    }

    /** Absolute index of the body (just after the 40-byte header). */
    public int bodyIndex() {
        return bodyIndex;
    }

    /** Body bytes, extensions excluded. */
    public int bodyLength() {
        return bodyLength;
    }

    /** The status of the last decode. */
    public DecodeStatus status() {
        return status;
    }

    /** For a non-OK status, the errno to answer with (EIO, EINVAL, ENOSYS); 0 when OK. */
    public int errno() {
        return errno;
    }

    /** For a non-OK status, a constant reason ({@link RequestDecoder} REASON_*); null when OK. */
    public String reason() {
        return reason;
    }

    /** The bound body flyweight, or null for bodiless opcodes (READLINK, STATFS, DESTROY). */
    @SuppressWarnings("unchecked")
    public <T extends InStruct> T body() {
        return (T) body;
    }

    /** The bound {@link InitIn}; throws IllegalStateException when this frame's body is another struct. */
    public InitIn initIn() {
        if (body != initIn) {
            throw wrongBody("InitIn");
        }
        return initIn;
    }

    /** Same as {@link #initIn()}. */
    public InitIn init() {
        return initIn();
    }

    /** The bound {@link CuseInitIn}; throws IllegalStateException when this frame's body is another struct. */
    public CuseInitIn cuseInitIn() {
        if (body != cuseInitIn) {
            throw wrongBody("CuseInitIn");
        }
        return cuseInitIn;
    }

    /** Same as {@link #cuseInitIn()}. */
    public CuseInitIn cuseInit() {
        return cuseInitIn();
    }

    /** The bound {@link GetattrIn}; throws IllegalStateException when this frame's body is another struct. */
    public GetattrIn getattrIn() {
        if (body != getattrIn) {
            throw wrongBody("GetattrIn");
        }
        return getattrIn;
    }

    /** Same as {@link #getattrIn()}. */
    public GetattrIn getattr() {
        return getattrIn();
    }

    /** The bound {@link SetattrIn}; throws IllegalStateException when this frame's body is another struct. */
    public SetattrIn setattrIn() {
        if (body != setattrIn) {
            throw wrongBody("SetattrIn");
        }
        return setattrIn;
    }

    /** Same as {@link #setattrIn()}. */
    public SetattrIn setattr() {
        return setattrIn();
    }

    /** The bound {@link NameIn}; throws IllegalStateException when this frame's body is another struct. */
    public NameIn nameIn() {
        if (body != nameIn) {
            throw wrongBody("NameIn");
        }
        return nameIn;
    }

    /** Same as {@link #nameIn()}. */
    public NameIn lookup() {
        return nameIn();
    }

    /** Same as {@link #nameIn()}. */
    public NameIn unlink() {
        return nameIn();
    }

    /** Same as {@link #nameIn()}. */
    public NameIn rmdir() {
        return nameIn();
    }

    /** Same as {@link #nameIn()}. */
    public NameIn removexattr() {
        return nameIn();
    }

    /** The bound {@link SymlinkIn}; throws IllegalStateException when this frame's body is another struct. */
    public SymlinkIn symlinkIn() {
        if (body != symlinkIn) {
            throw wrongBody("SymlinkIn");
        }
        return symlinkIn;
    }

    /** Same as {@link #symlinkIn()}. */
    public SymlinkIn symlink() {
        return symlinkIn();
    }

    /** The bound {@link MknodIn}; throws IllegalStateException when this frame's body is another struct. */
    public MknodIn mknodIn() {
        if (body != mknodIn) {
            throw wrongBody("MknodIn");
        }
        return mknodIn;
    }

    /** Same as {@link #mknodIn()}. */
    public MknodIn mknod() {
        return mknodIn();
    }

    /** The bound {@link MkdirIn}; throws IllegalStateException when this frame's body is another struct. */
    public MkdirIn mkdirIn() {
        if (body != mkdirIn) {
            throw wrongBody("MkdirIn");
        }
        return mkdirIn;
    }

    /** Same as {@link #mkdirIn()}. */
    public MkdirIn mkdir() {
        return mkdirIn();
    }

    /** The bound {@link RenameIn}; throws IllegalStateException when this frame's body is another struct. */
    public RenameIn renameIn() {
        if (body != renameIn) {
            throw wrongBody("RenameIn");
        }
        return renameIn;
    }

    /** Same as {@link #renameIn()}. */
    public RenameIn rename() {
        return renameIn();
    }

    /** The bound {@link LinkIn}; throws IllegalStateException when this frame's body is another struct. */
    public LinkIn linkIn() {
        if (body != linkIn) {
            throw wrongBody("LinkIn");
        }
        return linkIn;
    }

    /** Same as {@link #linkIn()}. */
    public LinkIn link() {
        return linkIn();
    }

    /** The bound {@link OpenIn}; throws IllegalStateException when this frame's body is another struct. */
    public OpenIn openIn() {
        if (body != openIn) {
            throw wrongBody("OpenIn");
        }
        return openIn;
    }

    /** Same as {@link #openIn()}. */
    public OpenIn open() {
        return openIn();
    }

    /** The bound {@link CreateIn}; throws IllegalStateException when this frame's body is another struct. */
    public CreateIn createIn() {
        if (body != createIn) {
            throw wrongBody("CreateIn");
        }
        return createIn;
    }

    /** Same as {@link #createIn()}. */
    public CreateIn create() {
        return createIn();
    }

    /** The bound {@link ReadIn}; throws IllegalStateException when this frame's body is another struct. */
    public ReadIn readIn() {
        if (body != readIn) {
            throw wrongBody("ReadIn");
        }
        return readIn;
    }

    /** Same as {@link #readIn()}. */
    public ReadIn read() {
        return readIn();
    }

    /** The bound {@link WriteIn}; throws IllegalStateException when this frame's body is another struct. */
    public WriteIn writeIn() {
        if (body != writeIn) {
            throw wrongBody("WriteIn");
        }
        return writeIn;
    }

    /** Same as {@link #writeIn()}. */
    public WriteIn write() {
        return writeIn();
    }

    /** The bound {@link ReleaseIn}; throws IllegalStateException when this frame's body is another struct. */
    public ReleaseIn releaseIn() {
        if (body != releaseIn) {
            throw wrongBody("ReleaseIn");
        }
        return releaseIn;
    }

    /** Same as {@link #releaseIn()}. */
    public ReleaseIn release() {
        return releaseIn();
    }

    /** The bound {@link FlushIn}; throws IllegalStateException when this frame's body is another struct. */
    public FlushIn flushIn() {
        if (body != flushIn) {
            throw wrongBody("FlushIn");
        }
        return flushIn;
    }

    /** Same as {@link #flushIn()}. */
    public FlushIn flush() {
        return flushIn();
    }

    /** The bound {@link FsyncIn}; throws IllegalStateException when this frame's body is another struct. */
    public FsyncIn fsyncIn() {
        if (body != fsyncIn) {
            throw wrongBody("FsyncIn");
        }
        return fsyncIn;
    }

    /** Same as {@link #fsyncIn()}. */
    public FsyncIn fsync() {
        return fsyncIn();
    }

    /** The bound {@link SetxattrIn}; throws IllegalStateException when this frame's body is another struct. */
    public SetxattrIn setxattrIn() {
        if (body != setxattrIn) {
            throw wrongBody("SetxattrIn");
        }
        return setxattrIn;
    }

    /** Same as {@link #setxattrIn()}. */
    public SetxattrIn setxattr() {
        return setxattrIn();
    }

    /** The bound {@link GetxattrIn}; throws IllegalStateException when this frame's body is another struct. */
    public GetxattrIn getxattrIn() {
        if (body != getxattrIn) {
            throw wrongBody("GetxattrIn");
        }
        return getxattrIn;
    }

    /** Same as {@link #getxattrIn()}. */
    public GetxattrIn getxattr() {
        return getxattrIn();
    }

    /** The bound {@link LkIn}; throws IllegalStateException when this frame's body is another struct. */
    public LkIn lkIn() {
        if (body != lkIn) {
            throw wrongBody("LkIn");
        }
        return lkIn;
    }

    /** Same as {@link #lkIn()}. */
    public LkIn lk() {
        return lkIn();
    }

    /** The bound {@link AccessIn}; throws IllegalStateException when this frame's body is another struct. */
    public AccessIn accessIn() {
        if (body != accessIn) {
            throw wrongBody("AccessIn");
        }
        return accessIn;
    }

    /** Same as {@link #accessIn()}. */
    public AccessIn access() {
        return accessIn();
    }

    /** The bound {@link InterruptIn}; throws IllegalStateException when this frame's body is another struct. */
    public InterruptIn interruptIn() {
        if (body != interruptIn) {
            throw wrongBody("InterruptIn");
        }
        return interruptIn;
    }

    /** Same as {@link #interruptIn()}. */
    public InterruptIn interrupt() {
        return interruptIn();
    }

    /** The bound {@link BmapIn}; throws IllegalStateException when this frame's body is another struct. */
    public BmapIn bmapIn() {
        if (body != bmapIn) {
            throw wrongBody("BmapIn");
        }
        return bmapIn;
    }

    /** Same as {@link #bmapIn()}. */
    public BmapIn bmap() {
        return bmapIn();
    }

    /** The bound {@link IoctlIn}; throws IllegalStateException when this frame's body is another struct. */
    public IoctlIn ioctlIn() {
        if (body != ioctlIn) {
            throw wrongBody("IoctlIn");
        }
        return ioctlIn;
    }

    /** Same as {@link #ioctlIn()}. */
    public IoctlIn ioctl() {
        return ioctlIn();
    }

    /** The bound {@link PollIn}; throws IllegalStateException when this frame's body is another struct. */
    public PollIn pollIn() {
        if (body != pollIn) {
            throw wrongBody("PollIn");
        }
        return pollIn;
    }

    /** Same as {@link #pollIn()}. */
    public PollIn poll() {
        return pollIn();
    }

    /** The bound {@link ForgetIn}; throws IllegalStateException when this frame's body is another struct. */
    public ForgetIn forgetIn() {
        if (body != forgetIn) {
            throw wrongBody("ForgetIn");
        }
        return forgetIn;
    }

    /** Same as {@link #forgetIn()}. */
    public ForgetIn forget() {
        return forgetIn();
    }

    /** The bound {@link BatchForgetIn}; throws IllegalStateException when this frame's body is another struct. */
    public BatchForgetIn batchForgetIn() {
        if (body != batchForgetIn) {
            throw wrongBody("BatchForgetIn");
        }
        return batchForgetIn;
    }

    /** Same as {@link #batchForgetIn()}. */
    public BatchForgetIn batchForget() {
        return batchForgetIn();
    }

    /** The bound {@link FallocateIn}; throws IllegalStateException when this frame's body is another struct. */
    public FallocateIn fallocateIn() {
        if (body != fallocateIn) {
            throw wrongBody("FallocateIn");
        }
        return fallocateIn;
    }

    /** Same as {@link #fallocateIn()}. */
    public FallocateIn fallocate() {
        return fallocateIn();
    }

    /** The bound {@link LseekIn}; throws IllegalStateException when this frame's body is another struct. */
    public LseekIn lseekIn() {
        if (body != lseekIn) {
            throw wrongBody("LseekIn");
        }
        return lseekIn;
    }

    /** Same as {@link #lseekIn()}. */
    public LseekIn lseek() {
        return lseekIn();
    }

    /** The bound {@link CopyFileRangeIn}; throws IllegalStateException when this frame's body is another struct. */
    public CopyFileRangeIn copyFileRangeIn() {
        if (body != copyFileRangeIn) {
            throw wrongBody("CopyFileRangeIn");
        }
        return copyFileRangeIn;
    }

    /** Same as {@link #copyFileRangeIn()}. */
    public CopyFileRangeIn copyFileRange() {
        return copyFileRangeIn();
    }

    /** The bound {@link SetupmappingIn}; throws IllegalStateException when this frame's body is another struct. */
    public SetupmappingIn setupmappingIn() {
        if (body != setupmappingIn) {
            throw wrongBody("SetupmappingIn");
        }
        return setupmappingIn;
    }

    /** Same as {@link #setupmappingIn()}. */
    public SetupmappingIn setupmapping() {
        return setupmappingIn();
    }

    /** The bound {@link RemovemappingIn}; throws IllegalStateException when this frame's body is another struct. */
    public RemovemappingIn removemappingIn() {
        if (body != removemappingIn) {
            throw wrongBody("RemovemappingIn");
        }
        return removemappingIn;
    }

    /** Same as {@link #removemappingIn()}. */
    public RemovemappingIn removemapping() {
        return removemappingIn();
    }

    /** The bound {@link SyncfsIn}; throws IllegalStateException when this frame's body is another struct. */
    public SyncfsIn syncfsIn() {
        if (body != syncfsIn) {
            throw wrongBody("SyncfsIn");
        }
        return syncfsIn;
    }

    /** Same as {@link #syncfsIn()}. */
    public SyncfsIn syncfs() {
        return syncfsIn();
    }

    /** The bound {@link StatxIn}; throws IllegalStateException when this frame's body is another struct. */
    public StatxIn statxIn() {
        if (body != statxIn) {
            throw wrongBody("StatxIn");
        }
        return statxIn;
    }

    /** Same as {@link #statxIn()}. */
    public StatxIn statx() {
        return statxIn();
    }

    /** The bound {@link NotifyRetrieveIn}; throws IllegalStateException when this frame's body is another struct. */
    public NotifyRetrieveIn notifyRetrieveIn() {
        if (body != notifyRetrieveIn) {
            throw wrongBody("NotifyRetrieveIn");
        }
        return notifyRetrieveIn;
    }

    /** Same as {@link #notifyRetrieveIn()}. */
    public NotifyRetrieveIn notifyRetrieve() {
        return notifyRetrieveIn();
    }
}
