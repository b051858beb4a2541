package io.purefuse.backend;

/** The store (a worker) is unreachable or failed: {@link ErrorCode#UNAVAILABLE} (EIO) or {@link ErrorCode#TIMED_OUT} (ETIMEDOUT). */
public class UnavailableException extends BackendException {
  /** @param code {@link ErrorCode#UNAVAILABLE} or {@link ErrorCode#TIMED_OUT} */
  public UnavailableException(ErrorCode code, String path, String message, Throwable cause) {
    super(check(code), path, message, cause);
  }

  /** With code {@link ErrorCode#UNAVAILABLE}. */
  public UnavailableException(String path, String message) {
    this(ErrorCode.UNAVAILABLE, path, message, null);
  }

  private static ErrorCode check(ErrorCode code) {
    if (code != ErrorCode.UNAVAILABLE && code != ErrorCode.TIMED_OUT) {
      throw new IllegalArgumentException("UnavailableException cannot carry " + code);
    }
    return code;
  }
}
