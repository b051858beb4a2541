package io.purefuse.backend;

/** A directory that must be empty is not ({@link ErrorCode#DIRECTORY_NOT_EMPTY}, ENOTEMPTY). */
public class DirectoryNotEmptyException extends BackendException {
  public DirectoryNotEmptyException(String path, String message, Throwable cause) {
    super(ErrorCode.DIRECTORY_NOT_EMPTY, path, message, cause);
  }

  public DirectoryNotEmptyException(String path, String message) {
    this(path, message, null);
  }
}
