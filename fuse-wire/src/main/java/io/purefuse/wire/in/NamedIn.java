package io.purefuse.wire.in;

/**
 * A request struct followed by one NUL-terminated {@code name} (the kernel's first name field):
 * the accessors every such struct shares. The decoder checked the NUL before binding.
 */
public abstract class NamedIn extends InStruct {

    /** Absolute index of name in {@link #buffer()}. */
    public final int nameIndex() {
        return name0Index;
    }

    /** Length of name in bytes, without its NUL. */
    public final int nameLength() {
        return name0Length;
    }

    /** name decoded as UTF-8; invalid sequences become U+FFFD, so check {@link #nameIsValidUtf8()} first (EILSEQ). */
    public final String name() {
        return string(name0Index, name0Length);
    }

    /** True when name is strict UTF-8. */
    public final boolean nameIsValidUtf8() {
        return utf8(name0Index, name0Length);
    }

    /** A copy of the raw bytes of name. */
    public final byte[] nameBytes() {
        return bytes(name0Index, name0Length);
    }

    /** True when name equals these bytes (no allocation). */
    public final boolean nameEquals(byte[] other) {
        return sameBytes(name0Index, name0Length, other);
    }
}
