package io.purefuse.backend.local;

import io.purefuse.backend.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libc calls the local UFS makes itself, through jnr-ffi: the {@code *at} family that
 * resolves one name relative to a directory descriptor (so that no operation ever builds an
 * absolute path, whatever the depth of the tree), {@code statx}, directory streams over a
 * descriptor, {@code renameat2} (atomic no-replace and exchange renames), {@code symlinkat} with
 * the exact target bytes, and the user and group name lookups; its {@code openat} also gives
 * FUSE passthrough its native descriptors. Every method returns 0 (or a
 * non-negative result) on success and {@code -errno} on failure; none throws for a failed call.
 */
final class LocalNative {
  private static final Logger LOG = LoggerFactory.getLogger(LocalNative.class);

  static final int AT_FDCWD = -100;
  static final int AT_SYMLINK_NOFOLLOW = 0x100;
  static final int AT_REMOVEDIR = 0x200;
  static final int AT_EMPTY_PATH = 0x1000;
  static final int AT_STATX_SYNC_AS_STAT = 0;

  static final int O_RDONLY = 0;
  static final int O_WRONLY = 1;
  static final int O_RDWR = 2;
  static final int O_CREAT = 0100;
  static final int O_EXCL = 0200;
  static final int O_NOCTTY = 0400;
  static final int O_TRUNC = 01000;
  static final int O_NONBLOCK = 04000;
  static final int O_DIRECTORY = 0200000;
  static final int O_NOFOLLOW = 0400000;
  static final int O_CLOEXEC = 02000000;
  static final int O_PATH = 010000000;

  static final int RENAME_NOREPLACE = 1;
  static final int RENAME_EXCHANGE = 2;
  /** {@code utimensat}: leave this time as it is. */
  static final long UTIME_OMIT = (1L << 30) - 2;

  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int EACCES = 13;
  static final int EEXIST = 17;
  static final int ENOTDIR = 20;
  static final int EISDIR = 21;
  static final int EINVAL = 22;
  static final int ERANGE = 34;
  static final int ENOSYS = 38;
  static final int ELOOP = 40;
  static final int EOPNOTSUPP = 95;

  /** statx mask: type, mode, nlink, uid, gid, times, ino, size, blocks ({@code STATX_BASIC_STATS}). */
  static final int STATX_BASIC_STATS = 0x7ff;
  static final int STATX_SIZE_BYTES = 256;

  /** jnr-ffi binding; public for the proxy generator. */
  public interface LibC {
    @SaveError
    int openat(int dirfd, @In byte[] path, int flags, int mode);

    @SaveError
    int close(int fd);

    @SaveError
    int statx(int dirfd, @In byte[] path, int flags, int mask, @Out byte[] buf);

    @SaveError
    int mkdirat(int dirfd, @In byte[] path, int mode);

    @SaveError
    int unlinkat(int dirfd, @In byte[] path, int flags);

    @SaveError
    int renameat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath);

    @SaveError
    int renameat2(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);

    @SaveError
    int linkat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);

    @SaveError
    int fchmodat(int dirfd, @In byte[] path, int mode, int flags);

    @SaveError
    int fchmod(int fd, int mode);

    @SaveError
    int fchownat(int dirfd, @In byte[] path, int uid, int gid, int flags);

    @SaveError
    int fchown(int fd, int uid, int gid);

    @SaveError
    int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);

    @SaveError
    int symlinkat(@In byte[] target, int newdirfd, @In byte[] linkpath);

    @SaveError
    long readlinkat(int dirfd, @In byte[] path, @Out byte[] buf, long bufsiz);

    @SaveError
    Pointer fdopendir(int fd);

    @SaveError
    Pointer readdir(Pointer dir);

    @SaveError
    int closedir(Pointer dir);

    void rewinddir(Pointer dir);

    Pointer getpwuid(int uid);

    Pointer getgrgid(int gid);

    Pointer getpwnam(@In byte[] name);

    Pointer getgrnam(@In byte[] name);
  }

  private static volatile LocalNative instance;

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

  /**
   * The binding (loaded on first use).
   *
   * @throws UnsatisfiedLinkError if libc cannot be bound (the local UFS cannot work without it)
   */
  static LocalNative get() {
    LocalNative n = instance;
    if (n == null) {
      synchronized (LocalNative.class) {
        n = instance;
        if (n == null) {
          try {
            n = new LocalNative(LibraryLoader.create(LibC.class).load("c"));
          } catch (RuntimeException | LinkageError e) {
            LOG.error("libc binding unavailable: {}", e.toString());
            UnsatisfiedLinkError u = new UnsatisfiedLinkError("libc binding unavailable: " + e);
            u.initCause(e);
            throw u;
          }
          instance = n;
        }
      }
    }
    return n;
  }

  Charset charset() {
    return charset;
  }

  /** NUL-terminated bytes of a name as the JDK encodes it (sun.jnu.encoding). */
  byte[] cstring(String s) {
    byte[] b = s.getBytes(charset);
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }

  private int errno() {
    return LastError.getLastError(runtime);
  }

  private int ret(int rc) {
    return rc >= 0 ? rc : -errno();
  }

  /** {@code openat}: the new fd or -errno. {@code O_CLOEXEC} is always added. */
  int openat(int dirfd, byte[] name, int flags, int mode) {
    while (true) {
      int rc = libc.openat(dirfd, name, flags | O_CLOEXEC, mode);
      if (rc >= 0) {
        return rc;
      }
      int e = errno();
      if (e != EINTR) {
        return -e;
      }
    }
  }

  void close(int fd) {
    if (fd >= 0) {
      libc.close(fd);
    }
  }

  /** {@code statx(dirfd, name, AT_SYMLINK_NOFOLLOW | flags)} into {@code buf} (256 bytes). */
  int statx(int dirfd, byte[] name, int flags, byte[] buf) {
    return ret(libc.statx(dirfd, name, flags | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf));
  }

  int mkdirat(int dirfd, byte[] name, int mode) {
    return ret(libc.mkdirat(dirfd, name, mode));
  }

  int unlinkat(int dirfd, byte[] name, int flags) {
    return ret(libc.unlinkat(dirfd, name, flags));
  }

  int renameat(int sfd, byte[] s, int dfd, byte[] d) {
    return ret(libc.renameat(sfd, s, dfd, d));
  }

  boolean renameat2Supported() {
    return renameat2Works;
  }

  /** {@code renameat2}: 0 or -errno ({@code -ENOSYS} once the libc or kernel lacks the call). */
  int renameat2(int sfd, byte[] s, int dfd, byte[] d, int flags) {
    if (!renameat2Works) {
      return -ENOSYS;
    }
    try {
      int rc = ret(libc.renameat2(sfd, s, dfd, d, flags));
      if (rc == -ENOSYS) {
        renameat2Works = false;
      }
      return rc;
    } catch (UnsatisfiedLinkError e) {
      renameat2Works = false;
      return -ENOSYS;
    }
  }

  int linkat(int sfd, byte[] s, int dfd, byte[] d) {
    return ret(libc.linkat(sfd, s, dfd, d, 0));
  }

  /** chmod of the entry itself (glibc refuses a symlink with EOPNOTSUPP, never follows it). */
  int fchmodat(int dirfd, byte[] name, int mode) {
    return ret(libc.fchmodat(dirfd, name, mode, AT_SYMLINK_NOFOLLOW));
  }

  int fchmod(int fd, int mode) {
    return ret(libc.fchmod(fd, mode));
  }

  /** lchown relative to {@code dirfd}; -1 leaves an id unchanged. */
  int fchownat(int dirfd, byte[] name, int uid, int gid) {
    return ret(libc.fchownat(dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW));
  }

  int fchown(int fd, int uid, int gid) {
    return ret(libc.fchown(fd, uid, gid));
  }

  /** Sets atime and/or mtime (nanoseconds since the epoch; null = unchanged) of the entry itself. */
  int utimensat(int dirfd, byte[] name, Long atimeNs, Long mtimeNs) {
    long[] t = {
      atimeNs == null ? 0 : Math.floorDiv(atimeNs, 1_000_000_000L),
      atimeNs == null ? UTIME_OMIT : Math.floorMod(atimeNs, 1_000_000_000L),
      mtimeNs == null ? 0 : Math.floorDiv(mtimeNs, 1_000_000_000L),
      mtimeNs == null ? UTIME_OMIT : Math.floorMod(mtimeNs, 1_000_000_000L),
    };
    return ret(libc.utimensat(dirfd, name, t, AT_SYMLINK_NOFOLLOW));
  }

  /** {@code symlinkat(target, dirfd, name)}: the target is stored byte for byte. */
  int symlinkat(String target, int dirfd, byte[] name) {
    return ret(libc.symlinkat(cstring(target), dirfd, name));
  }

  /** The content of a symlink, or null with {@code err[0]} = errno. */
  String readlinkat(int dirfd, byte[] name, int[] err) {
    byte[] buf = new byte[256];
    while (true) {
      long n = libc.readlinkat(dirfd, name, buf, buf.length);
      if (n < 0) {
        err[0] = errno();
        return null;
      }
      if (n < buf.length) {
        return new String(buf, 0, (int) n, charset);
      }
      buf = new byte[buf.length * 4];
    }
  }

  /**
   * A directory stream over {@code fd} (which the stream then owns), or null with {@code err[0]}
   * = errno (the fd is then still the caller's).
   */
  Pointer fdopendir(int fd, int[] err) {
    Pointer p = libc.fdopendir(fd);
    if (p == null) {
      err[0] = errno();
    }
    return p;
  }

  /**
   * The next entry's raw name (without "." and ".."), null at the end; a read error is reported
   * as {@code err[0]} = errno with a null result.
   */
  byte[] readdir(Pointer dir, int[] err) {
    while (true) {
      LastError.setLastError(runtime, 0);
      Pointer e = libc.readdir(dir);
      if (e == null) {
        int errno = errno();
        err[0] = errno;
        return null;
      }
      // struct dirent64: d_ino u64, d_off s64, d_reclen u16, d_type u8, d_name[]
      int reclen = e.getShort(16) & 0xffff;
      int max = Math.max(0, reclen - 19);
      int len = 0;
      while (len < max && e.getByte(19 + len) != 0) {
        len++;
      }
      byte[] name = new byte[len];
      e.get(19, name, 0, len);
      if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.')) {
        continue;
      }
      return name;
    }
  }

  void rewinddir(Pointer dir) {
    libc.rewinddir(dir);
  }

  void closedir(Pointer dir) {
    if (dir != null) {
      libc.closedir(dir);
    }
  }

  /** The user name of a uid, or null if unknown. Not reentrant in libc: callers cache. */
  synchronized String userName(int uid) {
    return nameAt(libc.getpwuid(uid));
  }

  synchronized String groupName(int gid) {
    return nameAt(libc.getgrgid(gid));
  }

  /** The uid of a user name, or -1 if unknown. */
  synchronized long uidOf(String name) {
    Pointer p = libc.getpwnam(cstring(name));
    // struct passwd: pw_name, pw_passwd (pointers), pw_uid, pw_gid
    return p == null ? -1 : Integer.toUnsignedLong(p.getInt(2L * runtime.addressSize()));
  }

  /** The gid of a group name, or -1 if unknown. */
  synchronized long gidOf(String name) {
    Pointer p = libc.getgrnam(cstring(name));
    // struct group: gr_name, gr_passwd (pointers), gr_gid
    return p == null ? -1 : Integer.toUnsignedLong(p.getInt(2L * runtime.addressSize()));
  }

  private String nameAt(Pointer entry) {
    if (entry == null) {
      return null;
    }
    Pointer name = entry.getPointer(0);
    return name == null ? null : name.getString(0, 4096, charset);
  }

  /** A statx result in native byte order. */
  static ByteBuffer statxView(byte[] buf) {
    return ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
  }

  static ErrorCode code(int errno) {
    return ErrorCode.fromErrno(errno);
  }
}
