package io.purefuse.worker.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.purefuse.backend.BackendException;

/**
 * Maps failures to gRPC statuses the way Alluxio's client reads them (NOT_FOUND is ENOENT,
 * ALREADY_EXISTS is EEXIST, ...). Codes without a gRPC twin (ENOTEMPTY, EISDIR, ENOTDIR, EXDEV,
 * ELOOP, EBUSY) become FAILED_PRECONDITION; the description then starts with the
 * {@link io.purefuse.backend.ErrorCode} name ({@code "DIRECTORY_NOT_EMPTY: ..."}) so a client
 * can tell them apart.
 */
public final class GrpcErrors {
  private GrpcErrors() {}

  public static StatusRuntimeException toStatusException(Throwable t) {
    Status s = toStatus(t);
    return s.asRuntimeException();
  }

  public static Status toStatus(Throwable t) {
    if (t instanceof StatusRuntimeException) {
      return ((StatusRuntimeException) t).getStatus();
    }
    if (t instanceof StatusException) {
      return ((StatusException) t).getStatus();
    }
    if (t instanceof BackendException) {
      BackendException e = (BackendException) t;
      return code(e).withDescription(e.getMessage());
    }
    if (t instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(t.getMessage());
    }
    return Status.INTERNAL.withDescription(String.valueOf(t)).withCause(t);
  }

  private static Status code(BackendException e) {
    switch (e.code()) {
      case NOT_FOUND:
        return Status.NOT_FOUND;
      case ALREADY_EXISTS:
        return Status.ALREADY_EXISTS;
      case PERMISSION_DENIED:
      case OPERATION_NOT_PERMITTED:
        return Status.PERMISSION_DENIED;
      case NO_SPACE:
      case QUOTA_EXCEEDED:
      case FILE_TOO_LARGE:
        return Status.RESOURCE_EXHAUSTED;
      case UNSUPPORTED:
        return Status.UNIMPLEMENTED;
      case INVALID_ARGUMENT:
      case NAME_TOO_LONG:
        return Status.INVALID_ARGUMENT;
      case UNAVAILABLE:
        return Status.UNAVAILABLE;
      case TIMED_OUT:
        return Status.DEADLINE_EXCEEDED;
      case INTERRUPTED:
        return Status.CANCELLED;
      case DIRECTORY_NOT_EMPTY:
      case IS_DIRECTORY:
      case NOT_DIRECTORY:
      case SYMLINK_LOOP:
      case CROSS_DEVICE:
      case BUSY:
      case READ_ONLY:
        return Status.FAILED_PRECONDITION;
      default:
        return Status.INTERNAL;
    }
  }
}
