package io.purefuse.backend.local;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.ErrorCode;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * Translates java.nio failures into {@link BackendException}s. The JDK turns a few errnos into
 * dedicated exception types and reports all others as a {@link FileSystemException} whose reason
 * is the libc {@code strerror} text, so the remaining errnos are recognised by that text (glibc's
 * English messages: the launcher runs with {@code LC_ALL=C.UTF-8}). Anything unrecognised is
 * {@link ErrorCode#IO_ERROR}. This text matching stays inside the local UFS: callers of the SPI
 * only ever see codes.
 */
final class LocalErrors {
  private static final String[] TEXTS = {
    "No such file or directory",
    "File exists",
    "Directory not empty",
    "Is a directory",
    "Not a directory",
    "Permission denied",
    "Operation not permitted",
    "No space left on device",
    "Disk quota exceeded",
    "Operation not supported",
    "Invalid argument",
    "File name too long",
    "Too many levels of symbolic links",
    "Read-only file system",
    "Invalid cross-device link",
    "File too large",
    "Device or resource busy",
    "Interrupted system call",
  };
  private static final ErrorCode[] CODES = {
    ErrorCode.NOT_FOUND,
    ErrorCode.ALREADY_EXISTS,
    ErrorCode.DIRECTORY_NOT_EMPTY,
    ErrorCode.IS_DIRECTORY,
    ErrorCode.NOT_DIRECTORY,
    ErrorCode.PERMISSION_DENIED,
    ErrorCode.OPERATION_NOT_PERMITTED,
    ErrorCode.NO_SPACE,
    ErrorCode.QUOTA_EXCEEDED,
    ErrorCode.UNSUPPORTED,
    ErrorCode.INVALID_ARGUMENT,
    ErrorCode.NAME_TOO_LONG,
    ErrorCode.SYMLINK_LOOP,
    ErrorCode.READ_ONLY,
    ErrorCode.CROSS_DEVICE,
    ErrorCode.FILE_TOO_LARGE,
    ErrorCode.BUSY,
    ErrorCode.INTERRUPTED,
  };

  private LocalErrors() {}

  static BackendException map(IOException e, AlluxioPath path) {
    return map(e, path == null ? null : path.toString());
  }

  static BackendException map(IOException e, String path) {
    if (e instanceof BackendException) {
      return (BackendException) e;
    }
    ErrorCode code = code(e);
    String what = e instanceof FileSystemException && ((FileSystemException) e).getReason() != null
        ? ((FileSystemException) e).getReason()
        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    return BackendException.of(code, path, what, e);
  }

  static ErrorCode code(IOException e) {
    if (e instanceof NoSuchFileException) {
      return ErrorCode.NOT_FOUND;
    }
    if (e instanceof FileAlreadyExistsException) {
      return ErrorCode.ALREADY_EXISTS;
    }
    if (e instanceof java.nio.file.DirectoryNotEmptyException) {
      return ErrorCode.DIRECTORY_NOT_EMPTY;
    }
    if (e instanceof java.nio.file.NotDirectoryException) {
      return ErrorCode.NOT_DIRECTORY;
    }
    if (e instanceof AccessDeniedException) {
      // The JDK reports EACCES this way; EPERM comes as a plain FileSystemException.
      return ErrorCode.PERMISSION_DENIED;
    }
    if (e instanceof AtomicMoveNotSupportedException) {
      return ErrorCode.CROSS_DEVICE;
    }
    if (e instanceof FileSystemLoopException) {
      return ErrorCode.SYMLINK_LOOP;
    }
    if (e instanceof NotLinkException) {
      return ErrorCode.INVALID_ARGUMENT;
    }
    if (e instanceof UserPrincipalNotFoundException) {
      return ErrorCode.INVALID_ARGUMENT;
    }
    if (e instanceof ClosedByInterruptException) {
      return ErrorCode.INTERRUPTED;
    }
    if (e instanceof ClosedChannelException) {
      return ErrorCode.IO_ERROR;
    }
    String text = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : e.getMessage();
    if (text != null) {
      for (int i = 0; i < TEXTS.length; i++) {
        if (text.contains(TEXTS[i])) {
          return CODES[i];
        }
      }
    }
    return ErrorCode.IO_ERROR;
  }
}
