package io.purefuse.backend;

/** The target already exists ({@link ErrorCode#ALREADY_EXISTS}, EEXIST). */
public class AlreadyExistsException extends BackendException {
  public AlreadyExistsException(String path, String message, Throwable cause) {
    super(ErrorCode.ALREADY_EXISTS, path, message, cause);
  }

  public AlreadyExistsException(String path, String message) {
    this(path, message, null);
  }
}
