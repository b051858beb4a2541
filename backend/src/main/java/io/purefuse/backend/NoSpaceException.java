package io.purefuse.backend;

/** The store is full: {@link ErrorCode#NO_SPACE} (ENOSPC) or {@link ErrorCode#QUOTA_EXCEEDED} (EDQUOT). */
public class NoSpaceException extends BackendException {
  /** @param code {@link ErrorCode#NO_SPACE} or {@link ErrorCode#QUOTA_EXCEEDED} */
  public NoSpaceException(ErrorCode code, String path, String message, Throwable cause) {
    super(check(code), path, message, cause);
  }

  /** With code {@link ErrorCode#NO_SPACE}. */
  public NoSpaceException(String path, String message) {
    this(ErrorCode.NO_SPACE, path, message, null);
  }

  private static ErrorCode check(ErrorCode code) {
    if (code != ErrorCode.NO_SPACE && code != ErrorCode.QUOTA_EXCEEDED) {
      throw new IllegalArgumentException("NoSpaceException cannot carry " + code);
    }
    return code;
  }
}
