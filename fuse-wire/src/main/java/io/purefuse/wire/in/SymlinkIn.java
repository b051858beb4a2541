package io.purefuse.wire.in;

/** FUSE_SYMLINK: the new entry's name, then the link target. */
public final class SymlinkIn extends InStruct {

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

    /** Absolute index of linkname in {@link #buffer()}. */
    public int linknameIndex() {
        return name1Index;
    }

    /** Length of linkname in bytes, without its NUL. */
    public int linknameLength() {
        return name1Length;
    }

    /** linkname decoded as UTF-8; invalid sequences become U+FFFD, so check {@link #linknameIsValidUtf8()} first (EILSEQ). */
    public String linkname() {
        return string(name1Index, name1Length);
    }

    /** True when linkname is strict UTF-8. */
    public boolean linknameIsValidUtf8() {
        return utf8(name1Index, name1Length);
    }

    /** A copy of the raw bytes of linkname. */
    public byte[] linknameBytes() {
        return bytes(name1Index, name1Length);
    }

    /** True when linkname equals these bytes (no allocation). */
    public boolean linknameEquals(byte[] other) {
        return sameBytes(name1Index, name1Length, other);
    }

}
