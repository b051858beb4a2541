package io.purefuse.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import io.purefuse.wire.in.InStruct;

/**
 * Decodes one request frame into a reusable {@link RequestFrame}. One per reader thread, not
 * thread safe. Table driven by {@link Opcode#body()}; validates the header, the fixed struct for
 * the negotiated minor, every name's NUL and the trailing data before binding the flyweight, and
 * never throws on bad input. Allocates nothing.
 */
public final class RequestDecoder {
    public static final String REASON_TOO_SHORT = "frame shorter than 16 bytes";
    public static final String REASON_HEADER_TOO_SHORT = "frame shorter than fuse_in_header";
    public static final String REASON_LEN_MISMATCH = "header len differs from the frame length";
    public static final String REASON_EXTLEN_TOO_LONG = "total_extlen exceeds the frame";
    public static final String REASON_BAD_EXTENSION = "malformed extension header";
    public static final String REASON_UNKNOWN_OPCODE = "unknown opcode";
    public static final String REASON_STRUCT_TOO_SHORT = "body shorter than the request struct";
    public static final String REASON_NAME_NOT_TERMINATED = "name not NUL-terminated in the body";
    public static final String REASON_DATA_TOO_SHORT = "trailing data exceeds the body";

    private int minor = Protocol.KERNEL_MINOR_VERSION;
    private boolean setxattrExt;

    public RequestDecoder() {
    }

    /** The negotiated minor (use 45 before INIT). */
    public void setMinor(int minor) {
        this.minor = minor;
    }

    public int minor() {
        return minor;
    }

    /** Whether FUSE_SETXATTR_EXT was negotiated (setxattr_in is 16 bytes, else 8). */
    public void setSetxattrExt(boolean setxattrExt) {
        this.setxattrExt = setxattrExt;
    }

    public boolean setxattrExt() {
        return setxattrExt;
    }

    /**
     * Decodes the readable bytes of {@code frame} (exactly what one read() returned) into
     * {@code into}. The buffer's indexes are not changed.
     */
    public DecodeStatus decode(ByteBuf frame, RequestFrame into) {
        into.reset(frame);
        final int start = frame.readerIndex();
        final int n = frame.readableBytes();
        if (n < 16) {
            return fail(into, DecodeStatus.TOO_SHORT, Errno.EIO, REASON_TOO_SHORT);
        }
        into.len = frame.getIntLE(start);
        into.rawOpcode = frame.getIntLE(start + 4);
        into.unique = frame.getLongLE(start + 8);
        into.opcode = Opcode.of(into.rawOpcode);
        if (n < Protocol.IN_HEADER_SIZE) {
            return fail(into, DecodeStatus.MALFORMED, Errno.EIO, REASON_HEADER_TOO_SHORT);
        }
        into.nodeid = frame.getLongLE(start + 16);
        into.uid = frame.getIntLE(start + 24);
        into.gid = frame.getIntLE(start + 28);
        into.pid = frame.getIntLE(start + 32);
        int extlen = frame.getShortLE(start + 36) & 0xffff;
        into.totalExtlen = extlen;
        if (into.len != n) {
            return fail(into, DecodeStatus.MALFORMED, Errno.EIO, REASON_LEN_MISMATCH);
        }
        int bodyLen = n - Protocol.IN_HEADER_SIZE - extlen * 8;
        if (bodyLen < 0) {
            return fail(into, DecodeStatus.MALFORMED, Errno.EIO, REASON_EXTLEN_TOO_LONG);
        }
        int bodyIndex = start + Protocol.IN_HEADER_SIZE;
        into.bodyIndex = bodyIndex;
        into.bodyLength = bodyLen;
        if (extlen != 0 && !extensionsValid(frame, bodyIndex + bodyLen, extlen * 8)) {
            return fail(into, DecodeStatus.MALFORMED, Errno.EINVAL, REASON_BAD_EXTENSION);
        }
        Opcode op = into.opcode;
        if (op == null) {
            return fail(into, DecodeStatus.UNKNOWN_OPCODE, Errno.ENOSYS, REASON_UNKNOWN_OPCODE);
        }
        BodyKind kind = op.body();
        int fixed = kind.fixedSize(minor, setxattrExt);
        if (bodyLen < fixed) {
            return fail(into, DecodeStatus.MALFORMED, Errno.EIO, REASON_STRUCT_TOO_SHORT);
        }
        InStruct fly = into.bodyFor(kind);
        if (fly == null) {
            into.status = DecodeStatus.OK;
            return DecodeStatus.OK;
        }
        final int end = bodyIndex + bodyLen;
        int pos = bodyIndex + fixed;
        int n0i = -1;
        int n0l = 0;
        int n1i = -1;
        int n1l = 0;
        int names = kind.names();
        if (names > 0) {
            int nul = frame.forEachByte(pos, end - pos, ByteProcessor.FIND_NUL);
            if (nul < 0) {
                return fail(into, DecodeStatus.MALFORMED, Errno.EIO, REASON_NAME_NOT_TERMINATED);
            }
            n0i = pos;
            n0l = nul - pos;
            pos = nul + 1;
            if (names > 1) {
                nul = frame.forEachByte(pos, end - pos, ByteProcessor.FIND_NUL);
                if (nul < 0) {
                    return fail(into, DecodeStatus.MALFORMED, Errno.EIO, REASON_NAME_NOT_TERMINATED);
                }
                n1i = pos;
                n1l = nul - pos;
                pos = nul + 1;
            }
        }
        long dataLen;
        switch (kind.trailing()) {
            case WRITE:
            case NOTIFY_REPLY:
                dataLen = frame.getIntLE(bodyIndex + 16) & 0xffffffffL;
                break;
            case SETXATTR:
                dataLen = frame.getIntLE(bodyIndex) & 0xffffffffL;
                break;
            case IOCTL:
                dataLen = frame.getIntLE(bodyIndex + 24) & 0xffffffffL;
                break;
            case COUNT16:
                dataLen = (frame.getIntLE(bodyIndex) & 0xffffffffL) * 16;
                break;
            default:
                dataLen = 0;
                break;
        }
        if (pos + dataLen > end) {
            return fail(into, DecodeStatus.MALFORMED, Errno.EIO, REASON_DATA_TOO_SHORT);
        }
        int structLen = kind.exactStruct() ? fixed : bodyLen;
        fly.bind(frame, bodyIndex, structLen, n0i, n0l, n1i, n1l, pos, (int) dataLen);
        into.body = fly;
        into.status = DecodeStatus.OK;
        return DecodeStatus.OK;
    }

    /** Each fuse_ext_header: size >= 8, a multiple of 8, inside the extension area. */
    private static boolean extensionsValid(ByteBuf frame, int index, int length) {
        int p = index;
        int end = index + length;
        while (p < end) {
            if (end - p < Protocol.EXT_HEADER_SIZE) {
                return false;
            }
            int size = frame.getIntLE(p);
            if (size < Protocol.EXT_HEADER_SIZE || (size & 7) != 0 || size > end - p) {
                return false;
            }
            p += size;
        }
        return true;
    }

    private static DecodeStatus fail(RequestFrame into, DecodeStatus status, int errno, String reason) {
        into.status = status;
        into.errno = errno;
        into.reason = reason;
        return status;
    }
}
