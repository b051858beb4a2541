package io.purefuse.backend;

import java.io.IOException;
import java.util.Objects;

/**
 * The one checked failure type of the storage SPI.
 *
 * <p>Each instance carries an {@link ErrorCode} (hence an errno) and, when known, the namespace
 * path the failure is about. Subclasses exist for the common codes so that callers and tests can
 * catch them by type; the VFS only needs {@link #code()}. Use {@link #of} to build the right
 * subclass for a code.
 */
public class BackendException extends IOException {
  private final ErrorCode code;
  private final String path;

  /**
   * @param code why the operation failed
   * @param path the namespace path concerned, or {@code null}
   * @param message a human readable explanation (the path is appended by {@link #getMessage()})
   * @param cause the underlying failure, or {@code null}
   */
  public BackendException(ErrorCode code, String path, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.path = path;
  }

  public BackendException(ErrorCode code, String path, String message) {
    this(code, path, message, null);
  }

  /** Why the operation failed; never {@code null}. */
  public ErrorCode code() {
    return code;
  }

  /** Shortcut for {@code code().errno()}. */
  public int errno() {
    return code.errno();
  }

  /** The namespace path this failure concerns, or {@code null} if not path specific. */
  public String path() {
    return path;
  }

  @Override
  public String getMessage() {
    String m = super.getMessage();
    return path == null ? code + ": " + m : code + ": " + m + ": " + path;
  }

  /** Builds the most specific exception type for {@code code}. */
  public static BackendException of(ErrorCode code, String path, String message, Throwable cause) {
    switch (code) {
      case NOT_FOUND:
        return new NotFoundException(path, message, cause);
      case ALREADY_EXISTS:
        return new AlreadyExistsException(path, message, cause);
      case DIRECTORY_NOT_EMPTY:
        return new DirectoryNotEmptyException(path, message, cause);
      case IS_DIRECTORY:
        return new IsDirectoryException(path, message, cause);
      case NOT_DIRECTORY:
        return new NotDirectoryException(path, message, cause);
      case PERMISSION_DENIED:
      case OPERATION_NOT_PERMITTED:
        return new PermissionDeniedException(code, path, message, cause);
      case NO_SPACE:
      case QUOTA_EXCEEDED:
        return new NoSpaceException(code, path, message, cause);
      case UNSUPPORTED:
        return new UnsupportedException(path, message, cause);
      case INVALID_ARGUMENT:
      case NAME_TOO_LONG:
        return new InvalidArgumentException(code, path, message, cause);
      case UNAVAILABLE:
      case TIMED_OUT:
        return new UnavailableException(code, path, message, cause);
      default:
        return new BackendException(code, path, message, cause);
    }
  }
}
