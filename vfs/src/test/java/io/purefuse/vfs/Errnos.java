package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Asserts the errno behind a java.nio failure (by exception type or strerror text). */
final class Errnos {
    interface IoAction {
        void run() throws Exception;
    }

    private Errnos() {
    }

    static String errnoName(Throwable t) {
        if (t instanceof NoSuchFileException) {
            return "ENOENT";
        }
        if (t instanceof FileAlreadyExistsException) {
            return "EEXIST";
        }
        if (t instanceof DirectoryNotEmptyException) {
            return "ENOTEMPTY";
        }
        if (t instanceof NotDirectoryException) {
            return "ENOTDIR";
        }
        if (t instanceof AccessDeniedException) {
            return "EACCES";
        }
        String reason = t instanceof FileSystemException f && f.getReason() != null ? f.getReason() : String.valueOf(t.getMessage());
        return fromText(reason);
    }

    /** Maps a strerror text (also from a shell command's stderr) to an errno name. */
    static String fromText(String s) {
        if (s.contains("No such file or directory")) return "ENOENT";
        if (s.contains("File exists")) return "EEXIST";
        if (s.contains("Directory not empty")) return "ENOTEMPTY";
        if (s.contains("Is a directory")) return "EISDIR";
        if (s.contains("Not a directory")) return "ENOTDIR";
        if (s.contains("Permission denied")) return "EACCES";
        if (s.contains("Operation not permitted")) return "EPERM";
        if (s.contains("Operation not supported")) return "EOPNOTSUPP";
        if (s.contains("Read-only file system")) return "EROFS";
        if (s.contains("File name too long")) return "ENAMETOOLONG";
        if (s.contains("Invalid argument")) return "EINVAL";
        if (s.contains("Device or resource busy")) return "EBUSY";
        if (s.contains("No space left")) return "ENOSPC";
        if (s.contains("Input/output error")) return "EIO";
        return "?(" + s + ")";
    }

    static void assertErrno(String expected, IoAction action) {
        try {
            action.run();
        } catch (Exception e) {
            assertThat(errnoName(e)).as("errno of %s", e).isEqualTo(expected);
            return;
        }
        fail("expected " + expected + " but the operation succeeded");
    }
}
