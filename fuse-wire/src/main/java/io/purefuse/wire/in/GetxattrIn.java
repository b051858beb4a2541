package io.purefuse.wire.in;

/** fuse_getxattr_in (+ name for FUSE_GETXATTR; FUSE_LISTXATTR has none). size 0 asks for the size. */
public final class GetxattrIn extends NamedIn {

    /** size at offset 0. */
    public int size() {
        return u32(0);
    }

    /** False for LISTXATTR (no name follows). */
    public boolean hasName() {
        return name0Index >= 0;
    }
}
