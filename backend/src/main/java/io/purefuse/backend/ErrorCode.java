package io.purefuse.backend;

/**
 * Why a backend operation failed, with the Linux errno the VFS answers for it.
 *
 * <p>Every {@link BackendException} carries exactly one code, so the VFS maps a failure to an
 * errno with {@code e.code().errno()} and never parses a message. The numeric values are the
 * Linux generic ABI values (identical on x86_64 and aarch64).
 */
public enum ErrorCode {
  /** The path, or one of its parents, does not exist. ENOENT. */
  NOT_FOUND(2),
  /** The target already exists (exclusive create, no-replace rename, mkdir). EEXIST. */
  ALREADY_EXISTS(17),
  /** A directory that must be empty (delete, rename over it) is not. ENOTEMPTY. */
  DIRECTORY_NOT_EMPTY(39),
  /** A file operation was applied to a directory. EISDIR. */
  IS_DIRECTORY(21),
  /** A parent component, or the target of a directory operation, is not a directory. ENOTDIR. */
  NOT_DIRECTORY(20),
  /** The store refused access (permissions of the store itself). EACCES. */
  PERMISSION_DENIED(13),
  /** The operation is not permitted for the caller (e.g. chown without privilege). EPERM. */
  OPERATION_NOT_PERMITTED(1),
  /** The store is full. ENOSPC. */
  NO_SPACE(28),
  /** A quota of the store is exhausted. EDQUOT. */
  QUOTA_EXCEEDED(122),
  /** The backend does not implement this operation or option. EOPNOTSUPP (= ENOTSUP). */
  UNSUPPORTED(95),
  /** An argument (path, offset, option combination) is invalid. EINVAL. */
  INVALID_ARGUMENT(22),
  /** A path component is longer than 255 bytes in UTF-8. ENAMETOOLONG. */
  NAME_TOO_LONG(36),
  /** The final component is a symbolic link where a file or directory was required. ELOOP. */
  SYMLINK_LOOP(40),
  /** The store is read only. EROFS. */
  READ_ONLY(30),
  /** Source and target live on different devices / workers and cannot be renamed. EXDEV. */
  CROSS_DEVICE(18),
  /** The file would grow beyond what the store allows. EFBIG. */
  FILE_TOO_LARGE(27),
  /** The target is in use (e.g. the namespace root). EBUSY. */
  BUSY(16),
  /** The store (a worker) cannot be reached or failed the call. EIO. */
  UNAVAILABLE(5),
  /** The store (a worker) did not answer in time. ETIMEDOUT. */
  TIMED_OUT(110),
  /** The calling thread was interrupted while waiting for the store. EINTR. */
  INTERRUPTED(4),
  /** Any other I/O failure of the store. EIO. */
  IO_ERROR(5);

  private final int errno;

  ErrorCode(int errno) {
    this.errno = errno;
  }

  /**
   * The code for a Linux errno returned by a native call of a backend ({@link #IO_ERROR} for
   * values without a dedicated code; EAGAIN/ENOSYS-like values are the caller's business).
   */
  public static ErrorCode fromErrno(int errno) {
    switch (errno) {
      case 1: return OPERATION_NOT_PERMITTED;
      case 2: return NOT_FOUND;
      case 4: return INTERRUPTED;
      case 13: return PERMISSION_DENIED;
      case 16: return BUSY;
      case 17: return ALREADY_EXISTS;
      case 18: return CROSS_DEVICE;
      case 20: return NOT_DIRECTORY;
      case 21: return IS_DIRECTORY;
      case 22: return INVALID_ARGUMENT;
      case 27: return FILE_TOO_LARGE;
      case 28: return NO_SPACE;
      case 30: return READ_ONLY;
      case 36: return NAME_TOO_LONG;
      case 39: return DIRECTORY_NOT_EMPTY;
      case 40: return SYMLINK_LOOP;
      case 95: return UNSUPPORTED;
      case 110: return TIMED_OUT;
      case 122: return QUOTA_EXCEEDED;
      default: return IO_ERROR;
    }
  }

  /** The positive Linux errno value the VFS replies with (the kernel expects its negation). */
  public int errno() {
    return errno;
  }
}
