package io.purefuse.backend;

/** The backend does not implement this operation or option ({@link ErrorCode#UNSUPPORTED}, EOPNOTSUPP). */
public class UnsupportedException extends BackendException {
  public UnsupportedException(String path, String message, Throwable cause) {
    super(ErrorCode.UNSUPPORTED, path, message, cause);
  }

  public UnsupportedException(String path, String message) {
    this(path, message, null);
  }
}
