package io.purefuse.wire.in;

/** fuse_create_in + name (FUSE_CREATE, FUSE_TMPFILE); umask and open_flags are 0 before 7.12. */
public final class CreateIn extends InStruct {

    /** flags at offset 0. */
    public int flags() {
        return u32(0);
    }

    /** mode at offset 4. */
    public int mode() {
        return u32(4);
    }

    /** umask at offset 8, 0 when the kernel's minor does not send it. */
    public int umask() {
        return u32Opt(8);
    }

    /** openFlags at offset 12, 0 when the kernel's minor does not send it. */
    public int openFlags() {
        return u32Opt(12);
    }

    /** Absolute index of name in {@link #buffer()}. */
    public int nameIndex() {
        return name0Index;
    }

    /** Length of name in bytes, without its NUL. */
    public int nameLength() {
        return name0Length;
    }

    /** name decoded as UTF-8; invalid sequences become U+FFFD, so check {@link #nameIsValidUtf8()} first (EILSEQ). */
    public String name() {
        return string(name0Index, name0Length);
    }

    /** True when name is strict UTF-8. */
    public boolean nameIsValidUtf8() {
        return utf8(name0Index, name0Length);
    }

    /** A copy of the raw bytes of name. */
    public byte[] nameBytes() {
        return bytes(name0Index, name0Length);
    }

    /** True when name equals these bytes (no allocation). */
    public boolean nameEquals(byte[] other) {
        return sameBytes(name0Index, name0Length, other);
    }

}
