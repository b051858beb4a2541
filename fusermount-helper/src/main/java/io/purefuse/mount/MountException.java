package io.purefuse.mount;

/**
 * A mount or unmount failed. The message is one line meant for an end user: what failed, on which
 * path, and what to do about it where that is known (for fusermount3 failures it includes the
 * helper's stderr).
 */
public class MountException extends Exception {
    private final int errno;

    public MountException(String message) {
        this(message, 0, null);
    }

    public MountException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    public MountException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The errno behind the failure when one is known, else 0. */
    public int errno() {
        return errno;
    }
}
