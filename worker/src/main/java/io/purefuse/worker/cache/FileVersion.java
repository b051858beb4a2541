package io.purefuse.worker.cache;

import io.purefuse.backend.FileStatus;

/**
 * What a file's cached pages are valid for: its identity (inode, if the store has one),
 * modification time and length. A page cached for one version is never served for another.
 */
public record FileVersion(long fileId, long mtimeNs, long length) {
  /** The version of a file as the under-store reports it now. */
  public static FileVersion of(FileStatus status) {
    return new FileVersion(status.fileId(), status.lastModificationTimeNs(), status.length());
  }
}
