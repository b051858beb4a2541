package io.purefuse.wire.in;

/** fuse_link_in + newname (FUSE_LINK). */
public final class LinkIn extends InStruct {

    /** oldnodeid at offset 0. */
    public long oldnodeid() {
        return u64(0);
    }

    /** Absolute index of newname in {@link #buffer()}. */
    public int newnameIndex() {
        return name0Index;
    }

    /** Length of newname in bytes, without its NUL. */
    public int newnameLength() {
        return name0Length;
    }

    /** newname decoded as UTF-8; invalid sequences become U+FFFD, so check {@link #newnameIsValidUtf8()} first (EILSEQ). */
    public String newname() {
        return string(name0Index, name0Length);
    }

    /** True when newname is strict UTF-8. */
    public boolean newnameIsValidUtf8() {
        return utf8(name0Index, name0Length);
    }

    /** A copy of the raw bytes of newname. */
    public byte[] newnameBytes() {
        return bytes(name0Index, name0Length);
    }

    /** True when newname equals these bytes (no allocation). */
    public boolean newnameEquals(byte[] other) {
        return sameBytes(name0Index, name0Length, other);
    }

}
