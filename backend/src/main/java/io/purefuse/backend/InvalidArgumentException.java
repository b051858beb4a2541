package io.purefuse.backend;

/** An invalid argument: {@link ErrorCode#INVALID_ARGUMENT} (EINVAL) or {@link ErrorCode#NAME_TOO_LONG} (ENAMETOOLONG). */
public class InvalidArgumentException extends BackendException {
  /** @param code {@link ErrorCode#INVALID_ARGUMENT} or {@link ErrorCode#NAME_TOO_LONG} */
  public InvalidArgumentException(ErrorCode code, String path, String message, Throwable cause) {
    super(check(code), path, message, cause);
  }

  /** With code {@link ErrorCode#INVALID_ARGUMENT}. */
  public InvalidArgumentException(String path, String message) {
    this(ErrorCode.INVALID_ARGUMENT, path, message, null);
  }

  private static ErrorCode check(ErrorCode code) {
    if (code != ErrorCode.INVALID_ARGUMENT && code != ErrorCode.NAME_TOO_LONG) {
      throw new IllegalArgumentException("InvalidArgumentException cannot carry " + code);
    }
    return code;
  }
}
