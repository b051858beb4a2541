package io.purefuse.backend;

/** A file operation hit a directory ({@link ErrorCode#IS_DIRECTORY}, EISDIR). */
public class IsDirectoryException extends BackendException {
  public IsDirectoryException(String path, String message, Throwable cause) {
    super(ErrorCode.IS_DIRECTORY, path, message, cause);
  }

  public IsDirectoryException(String path, String message) {
    this(path, message, null);
  }
}
