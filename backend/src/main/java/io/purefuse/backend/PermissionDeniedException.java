package io.purefuse.backend;

/** Access refused by the store: {@link ErrorCode#PERMISSION_DENIED} (EACCES) or {@link ErrorCode#OPERATION_NOT_PERMITTED} (EPERM). */
public class PermissionDeniedException extends BackendException {
  /** @param code {@link ErrorCode#PERMISSION_DENIED} or {@link ErrorCode#OPERATION_NOT_PERMITTED} */
  public PermissionDeniedException(ErrorCode code, String path, String message, Throwable cause) {
    super(check(code), path, message, cause);
  }

  /** With code {@link ErrorCode#PERMISSION_DENIED}. */
  public PermissionDeniedException(String path, String message) {
    this(ErrorCode.PERMISSION_DENIED, path, message, null);
  }

  private static ErrorCode check(ErrorCode code) {
    if (code != ErrorCode.PERMISSION_DENIED && code != ErrorCode.OPERATION_NOT_PERMITTED) {
      throw new IllegalArgumentException("PermissionDeniedException cannot carry " + code);
    }
    return code;
  }
}
