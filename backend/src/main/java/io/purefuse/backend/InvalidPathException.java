package io.purefuse.backend;

/**
 * A namespace path or name that {@link AlluxioPath} rejects: not absolute, an empty, {@code .} or
 * {@code ..} component, a {@code /} or NUL inside a name, an unpaired surrogate (not encodable
 * as UTF-8) — all {@link ErrorCode#INVALID_ARGUMENT} (EINVAL) — or a component longer than 255
 * UTF-8 bytes ({@link ErrorCode#NAME_TOO_LONG}, ENAMETOOLONG).
 */
public class InvalidPathException extends InvalidArgumentException {
  public InvalidPathException(ErrorCode code, String path, String message) {
    super(code, path, message, null);
  }

  public InvalidPathException(String path, String message) {
    this(ErrorCode.INVALID_ARGUMENT, path, message);
  }
}
