package io.purefuse.wire.in;

/** FUSE_SYMLINK: the new entry's name, then the link target. */
public final class SymlinkIn extends NamedIn {

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
