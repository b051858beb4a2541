package io.purefuse.vfs;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;

/** renameat2(2) for tests (java.nio cannot pass RENAME_NOREPLACE / RENAME_EXCHANGE). */
final class Renameat2 {
    static final int AT_FDCWD = -100;
    static final int RENAME_NOREPLACE = 1;
    static final int RENAME_EXCHANGE = 2;

    public interface C {
        @SaveError
        int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);
    }

    private static final C LIBC = LibraryLoader.create(C.class).load("c");

    private Renameat2() {
    }

    /** 0 on success, else the errno. */
    static int rename(String from, String to, int flags) {
        int rc = LIBC.renameat2(AT_FDCWD, from, AT_FDCWD, to, flags);
        return rc == 0 ? 0 : jnr.ffi.LastError.getLastError(jnr.ffi.Runtime.getRuntime(LIBC));
    }
}
