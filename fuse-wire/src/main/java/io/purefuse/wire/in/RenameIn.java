package io.purefuse.wire.in;

/** fuse_rename_in / fuse_rename2_in + oldname + newname (FUSE_RENAME, FUSE_RENAME2); flags is 0 for RENAME. */
public final class RenameIn extends InStruct {

    /** newdir at offset 0. */
    public long newdir() {
        return u64(0);
    }

    /** flags at offset 8, 0 when the kernel's minor does not send it. */
    public int flags() {
        return u32Opt(8);
    }

    /** Absolute index of oldname in {@link #buffer()}. */
    public int oldnameIndex() {
        return name0Index;
    }

    /** Length of oldname in bytes, without its NUL. */
    public int oldnameLength() {
        return name0Length;
    }

    /** oldname decoded as UTF-8; invalid sequences become U+FFFD, so check {@link #oldnameIsValidUtf8()} first (EILSEQ). */
    public String oldname() {
        return string(name0Index, name0Length);
    }

    /** True when oldname is strict UTF-8. */
    public boolean oldnameIsValidUtf8() {
        return utf8(name0Index, name0Length);
    }

    /** A copy of the raw bytes of oldname. */
    public byte[] oldnameBytes() {
        return bytes(name0Index, name0Length);
    }

    /** True when oldname equals these bytes (no allocation). */
    public boolean oldnameEquals(byte[] other) {
        return sameBytes(name0Index, name0Length, other);
    }

    /** Absolute index of newname in {@link #buffer()}. */
    public int newnameIndex() {
        return name1Index;
    }

    /** Length of newname in bytes, without its NUL. */
    public int newnameLength() {
        return name1Length;
    }

    /** newname decoded as UTF-8; invalid sequences become U+FFFD, so check {@link #newnameIsValidUtf8()} first (EILSEQ). */
    public String newname() {
        return string(name1Index, name1Length);
    }

    /** True when newname is strict UTF-8. */
    public boolean newnameIsValidUtf8() {
        return utf8(name1Index, name1Length);
    }

    /** A copy of the raw bytes of newname. */
    public byte[] newnameBytes() {
        return bytes(name1Index, name1Length);
    }

    /** True when newname equals these bytes (no allocation). */
    public boolean newnameEquals(byte[] other) {
        return sameBytes(name1Index, name1Length, other);
    }

}
