package io.purefuse.backend.alluxio;

import io.grpc.Status;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.ErrorCode;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Maps a worker's gRPC status to the SPI's {@link BackendException}: the status code decides
 * the errno, the worker's description becomes the message.
 *
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><td>NOT_FOUND</td><td>ENOENT</td></tr>
 *   <tr><td>ALREADY_EXISTS</td><td>EEXIST</td></tr>
 *   <tr><td>PERMISSION_DENIED, UNAUTHENTICATED</td><td>EACCES</td></tr>
 *   <tr><td>INVALID_ARGUMENT, OUT_OF_RANGE</td><td>EINVAL</td></tr>
 *   <tr><td>UNIMPLEMENTED</td><td>EOPNOTSUPP</td></tr>
 *   <tr><td>UNAVAILABLE</td><td>EIO ({@link io.purefuse.backend.UnavailableException})</td></tr>
 *   <tr><td>DEADLINE_EXCEEDED</td><td>ETIMEDOUT ({@link io.purefuse.backend.UnavailableException})</td></tr>
 *   <tr><td>RESOURCE_EXHAUSTED</td><td>ENOSPC</td></tr>
 *   <tr><td>FAILED_PRECONDITION</td><td>the code our worker names at the start of the message
 *       ({@code DIRECTORY_NOT_EMPTY: ...}: ENOTEMPTY, ENOTDIR, EISDIR, ELOOP, EXDEV, EBUSY, EROFS),
 *       or ENOTEMPTY, ENOTDIR or EISDIR when a stock worker's message says so in words (Alluxio
 *       raises those as failed preconditions), else EIO</td></tr>
 *   <tr><td>anything else</td><td>EIO</td></tr>
 * </table>
 */
final class GrpcErrors {
  /** The codes a worker sends as FAILED_PRECONDITION (they have no gRPC twin). */
  private static final Set<ErrorCode> PRECONDITIONS = EnumSet.of(ErrorCode.DIRECTORY_NOT_EMPTY,
      ErrorCode.IS_DIRECTORY, ErrorCode.NOT_DIRECTORY, ErrorCode.SYMLINK_LOOP, ErrorCode.CROSS_DEVICE,
      ErrorCode.BUSY, ErrorCode.READ_ONLY);

  private GrpcErrors() {}

  /** The exception for {@code status} concerning namespace path {@code path} (may be null). */
  static BackendException map(Status status, String path) {
    return BackendException.of(code(status), path, describe(status), status.getCause() != null
        ? status.getCause() : status.asRuntimeException());
  }

  /** {@link #map(Status, String)} of a thrown gRPC failure ({@code StatusRuntimeException} etc.). */
  static BackendException map(Throwable t, String path) {
    if (t instanceof BackendException) {
      return (BackendException) t;
    }
    Status s = Status.fromThrowable(t);
    return BackendException.of(code(s), path, describe(s), t);
  }

  static ErrorCode code(Status status) {
    switch (status.getCode()) {
      case NOT_FOUND:
        return ErrorCode.NOT_FOUND;
      case ALREADY_EXISTS:
        return ErrorCode.ALREADY_EXISTS;
      case PERMISSION_DENIED:
      case UNAUTHENTICATED:
        return ErrorCode.PERMISSION_DENIED;
      case INVALID_ARGUMENT:
      case OUT_OF_RANGE:
        return ErrorCode.INVALID_ARGUMENT;
      case UNIMPLEMENTED:
        return ErrorCode.UNSUPPORTED;
      case UNAVAILABLE:
        return ErrorCode.UNAVAILABLE;
      case DEADLINE_EXCEEDED:
        return ErrorCode.TIMED_OUT;
      case RESOURCE_EXHAUSTED:
        return ErrorCode.NO_SPACE;
      case FAILED_PRECONDITION:
        return precondition(status.getDescription());
      default:
        return ErrorCode.IO_ERROR;
    }
  }

  /**
   * Whether a call that failed with {@code status} may be sent to the next ring candidate:
   * UNAVAILABLE always; DEADLINE_EXCEEDED and CANCELLED (this client never cancels a unary call,
   * so it is the worker shutting down) only if the call is idempotent.
   */
  static boolean isWorkerFailure(Status status, boolean idempotent) {
    Status.Code c = status.getCode();
    return c == Status.Code.UNAVAILABLE
        || (idempotent && (c == Status.Code.DEADLINE_EXCEEDED || c == Status.Code.CANCELLED));
  }

  private static ErrorCode precondition(String description) {
    // Our worker starts the description with the ErrorCode's name ("DIRECTORY_NOT_EMPTY: ...");
    // a stock worker says it in words ("Directory not empty").
    if (description != null) {
      int colon = description.indexOf(':');
      if (colon > 0) {
        try {
          ErrorCode named = ErrorCode.valueOf(description.substring(0, colon));
          if (PRECONDITIONS.contains(named)) {
            return named;
          }
        } catch (IllegalArgumentException notAName) {
          // words, not a code name
        }
      }
    }
    String d = description == null ? "" : description.toLowerCase(Locale.ROOT);
    if (d.contains("not empty")) {
      return ErrorCode.DIRECTORY_NOT_EMPTY;
    }
    if (d.contains("not a directory")) {
      return ErrorCode.NOT_DIRECTORY;
    }
    if (d.contains("is a directory")) {
      return ErrorCode.IS_DIRECTORY;
    }
    return ErrorCode.IO_ERROR;
  }

  private static String describe(Status s) {
    String d = s.getDescription();
    return "worker answered " + s.getCode() + (d == null ? "" : ": " + d);
  }
}
