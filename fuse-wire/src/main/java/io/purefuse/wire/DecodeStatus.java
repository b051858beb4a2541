package io.purefuse.wire;

/** Outcome of {@link RequestDecoder#decode}. */
public enum DecodeStatus {
    /** The frame is well formed; the body flyweight is bound and every accessor is safe. */
    OK,
    /** The header is valid but the opcode is unknown: answer ENOSYS. */
    UNKNOWN_OPCODE,
    /** The frame is inconsistent (answer {@link RequestFrame#errno()}, EIO or EINVAL). */
    MALFORMED,
    /** Fewer than 16 bytes: the unique is unknown, nothing can be answered. */
    TOO_SHORT
}
