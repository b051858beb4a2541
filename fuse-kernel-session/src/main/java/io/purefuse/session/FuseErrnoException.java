package io.purefuse.session;

/**
 * Thrown by a {@link LowLevelFilesystem} method to answer its request with an errno. The session
 * answers the request (if it was not answered yet) without logging: this is the normal way to
 * fail from deep inside a call stack.
 */
public class FuseErrnoException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public FuseErrnoException(int errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
    }

    public FuseErrnoException(int errno, String message, Throwable cause) {
        super(message, cause, false, false);
        this.errno = errno;
    }

    /** The positive errno the request is answered with. */
    public int errno() {
        return errno;
    }
}
