package io.purefuse.wire.in;

/** A body that is only a NUL-terminated name (LOOKUP, UNLINK, RMDIR, REMOVEXATTR). */
public final class NameIn extends NamedIn {

}
