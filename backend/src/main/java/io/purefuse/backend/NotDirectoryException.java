package io.purefuse.backend;

/** A parent component or a directory operand is not a directory ({@link ErrorCode#NOT_DIRECTORY}, ENOTDIR). */
public class NotDirectoryException extends BackendException {
  public NotDirectoryException(String path, String message, Throwable cause) {
    super(ErrorCode.NOT_DIRECTORY, path, message, cause);
  }

  public NotDirectoryException(String path, String message) {
    this(path, message, null);
  }
}
