package io.purefuse.backend;

/** The path or one of its parents does not exist ({@link ErrorCode#NOT_FOUND}, ENOENT). */
public class NotFoundException extends BackendException {
  public NotFoundException(String path, String message, Throwable cause) {
    super(ErrorCode.NOT_FOUND, path, message, cause);
  }

  public NotFoundException(String path, String message) {
    this(path, message, null);
  }
}
