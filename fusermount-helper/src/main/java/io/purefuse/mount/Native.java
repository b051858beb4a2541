package io.purefuse.mount;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jnr.constants.platform.Errno;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Entry point to the native bindings used by purefuse: the tiny jnr-ffi {@link LibC} and a shared
 * jnr-posix instance, plus errno helpers.
 *
 * <p>Both are loaded lazily on first use and are thread safe. {@link #errno()} returns the errno
 * saved by the most recent {@link LibC} call <em>on the calling thread</em>.
 */
public final class Native {
    /** Size of one {@code struct iovec} on 64-bit Linux. */
    public static final int IOVEC_SIZE = 16;

    // errno values used by purefuse (Linux generic)
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int ENOTTY = 25;
    public static final int EINVAL = 22;
    public static final int ENOSYS = 38;
    public static final int ECONNABORTED = 103;
    public static final int ENOTCONN = 107;

    private Native() {
    }

    private static final class LibCHolder {
        static final LibC LIBC = load();
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

        private static LibC load() {
            try {
                return LibraryLoader.create(LibC.class).failImmediately().load("libc.so.6");
            } catch (UnsatisfiedLinkError e) {
                return LibraryLoader.create(LibC.class).failImmediately().load("c");
            }
        }
    }

    private static final class PosixHolder {
        static final POSIX POSIX = POSIXFactory.getNativePOSIX();
    }

    /** The shared {@link LibC} binding. */
    public static LibC libc() {
        return LibCHolder.LIBC;
    }

    /** The shared native jnr-posix instance (used for socketpair, posix_spawnp, recvmsg, waitpid...). */
    public static POSIX posix() {
        return PosixHolder.POSIX;
    }

    /** errno saved by the last {@link LibC} call on this thread. */
    public static int errno() {
        return LastError.getLastError(LibCHolder.RUNTIME);
    }

    /** Symbolic name of an errno value, e.g. {@code "ENOTCONN"}; {@code "errno N"} if unknown. */
    public static String errnoName(int errno) {
        Errno e = Errno.valueOf(errno);
        if (e == null || e == Errno.__UNKNOWN_CONSTANT__) {
            return "errno " + errno;
        }
        return e.name();
    }

    /** {@code "ENOTCONN (Transport endpoint is not connected)"}. */
    public static String describe(int errno) {
        String text;
        try {
            text = libc().strerror(errno);
        } catch (RuntimeException e) {
            text = null;
        }
        return text == null ? errnoName(errno) : errnoName(errno) + " (" + text + ")";
    }

    /**
     * Writes one {@code struct iovec} at {@code index} (in entries) into {@code iovs}, a direct buffer
     * used as an iovec array (absolute puts, native order, position ignored).
     */
    public static void putIovec(ByteBuffer iovs, int index, long address, long length) {
        ByteBuffer b = iovs.order() == ByteOrder.nativeOrder() ? iovs : iovs.duplicate().order(ByteOrder.nativeOrder());
        b.putLong(index * IOVEC_SIZE, address);
        b.putLong(index * IOVEC_SIZE + 8, length);
    }

    /** Native address of a direct buffer's first byte (index 0, not its position). */
    public static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return com.kenai.jffi.MemoryIO.getInstance().getDirectBufferAddress(direct);
    }
}
