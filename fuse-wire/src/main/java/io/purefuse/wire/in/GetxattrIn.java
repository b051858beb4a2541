package io.purefuse.wire.in;

/** fuse_getxattr_in (+ name for FUSE_GETXATTR; FUSE_LISTXATTR has none). size 0 asks for the size. */
public final class GetxattrIn extends InStruct {

    /** size at offset 0. */
    public int size() {
        return u32(0);
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

    /** False for LISTXATTR (no name follows). */
    public boolean hasName() {
        return name0Index >= 0;
    }
}
