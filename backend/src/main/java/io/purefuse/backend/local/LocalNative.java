package io.purefuse.backend.local;

import io.purefuse.backend.ErrorCode;
import java.nio.charset.Charset;
import java.nio.file.Path;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.SaveError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libc calls java.nio lacks: {@code renameat2(2)} (atomic no-replace and exchange
 * renames), {@code symlink(2)} with the exact target bytes (NIO normalizes a target path,
 * dropping repeated and trailing slashes) and {@code open(2)} for a native descriptor (FUSE
 * passthrough). Loaded lazily through jnr-ffi; if loading fails the
 * local UFS falls back to pure NIO and says so in its capabilities.
 */
final class LocalNative {
  private static final Logger LOG = LoggerFactory.getLogger(LocalNative.class);
  static final int AT_FDCWD = -100;
  static final int RENAME_NOREPLACE = 1;
  static final int RENAME_EXCHANGE = 2;
  /** errno of a libc without the call or a file system without the flag. */
  static final int ENOSYS = 38;
  static final int EINVAL = 22;

  /** jnr-ffi binding; public for the proxy generator. */
  public interface LibC {
    @SaveError
    int renameat2(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);

    @SaveError
    int symlink(@In byte[] target, @In byte[] linkpath);

    @SaveError
    int open(@In byte[] path, int flags, int mode);

    @SaveError
    int close(int fd);
  }

  static final int O_RDONLY = 0;
  static final int O_RDWR = 2;
  static final int O_NOFOLLOW = 0400000;
  static final int O_CLOEXEC = 02000000;

  private static final LocalNative INSTANCE = load();

  private final LibC libc;
  private final Runtime runtime;
  private final Charset charset;
  private volatile boolean renameat2Works = true;

  private LocalNative(LibC libc) {
    this.libc = libc;
    this.runtime = Runtime.getRuntime(libc);
    String enc = System.getProperty("sun.jnu.encoding", "UTF-8");
    Charset cs;
    try {
      cs = Charset.forName(enc);
    } catch (RuntimeException e) {
      cs = Charset.defaultCharset();
    }
    this.charset = cs;
  }

  private static LocalNative load() {
    if (Boolean.getBoolean("purefuse.local.noNative")) {
      return null;
    }
    try {
      LibC libc = LibraryLoader.create(LibC.class).load("c");
      return new LocalNative(libc);
    } catch (Throwable t) {
      LOG.warn("libc binding unavailable, local UFS falls back to pure NIO renames: {}", t.toString());
      return null;
    }
  }

  /** The binding, or {@code null} if unavailable. */
  static LocalNative get() {
    return INSTANCE;
  }

  boolean renameat2Supported() {
    return renameat2Works;
  }

  /** NUL-terminated bytes of a path as the JDK encodes it (sun.jnu.encoding). */
  byte[] cstring(String s) {
    byte[] b = s.getBytes(charset);
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }

  /**
   * {@code renameat2(AT_FDCWD, src, AT_FDCWD, dst, flags)}.
   *
   * @return 0 on success, else the errno ({@link #ENOSYS} if the libc lacks the call)
   */
  int renameat2(Path src, Path dst, int flags) {
    if (!renameat2Works) {
      return ENOSYS;
    }
    try {
      int rc = libc.renameat2(AT_FDCWD, cstring(src.toString()), AT_FDCWD, cstring(dst.toString()), flags);
      if (rc == 0) {
        return 0;
      }
      int errno = LastError.getLastError(runtime);
      if (errno == ENOSYS) {
        renameat2Works = false;
      }
      return errno;
    } catch (UnsatisfiedLinkError e) {
      renameat2Works = false;
      return ENOSYS;
    }
  }

  /** {@code symlink(target, link)}: 0 or the errno. */
  int symlink(String target, Path link) {
    int rc = libc.symlink(cstring(target), cstring(link.toString()));
    return rc == 0 ? 0 : LastError.getLastError(runtime);
  }

  /**
   * {@code open(path, (writable ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC)}.
   *
   * @return the fd (&gt;= 0), or minus the errno
   */
  int openFd(Path path, boolean writable) {
    int fd = libc.open(cstring(path.toString()), (writable ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC, 0);
    return fd >= 0 ? fd : -LastError.getLastError(runtime);
  }

  void close(int fd) {
    libc.close(fd);
  }

  static ErrorCode code(int errno) {
    return ErrorCode.fromErrno(errno);
  }
}
