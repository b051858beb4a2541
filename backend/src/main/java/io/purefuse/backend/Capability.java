package io.purefuse.backend;

/**
 * Optional features a backend may support ({@link FileSystemBackend#capabilities()}). The VFS
 * uses them to choose behaviour up front (e.g. answer EOPNOTSUPP without a round trip, or keep
 * writes sequential); an operation whose capability is missing fails with
 * {@link UnsupportedException}.
 */
public enum Capability {
  /** {@link FileSystemBackend#openForRandomWrite} works. */
  RANDOM_WRITE,
  /** {@link FileSystemBackend#truncate} and {@link RandomAccessFileHandle#truncate} work. */
  TRUNCATE,
  /** Symbolic links can be created and read. */
  SYMLINKS,
  /** {@link RenameOptions#noReplace()} is atomic. */
  RENAME_NOREPLACE,
  /** {@link RenameOptions#exchange()} works. */
  RENAME_EXCHANGE,
  /** Ownership can be changed (chown). */
  OWNERSHIP,
  /** Numeric uid/gid are reported and accepted. */
  NUMERIC_IDS,
  /** Access times are stored. */
  ACCESS_TIME,
  /** Times have nanosecond precision. */
  NANOSECOND_TIMES,
  /** {@link FileStatus#fileId()} is stable for the life of an entry, across renames. */
  STABLE_FILE_IDS,
  /** {@link FileSystemBackend#getSpace()} returns real numbers. */
  SPACE_INFO,
  /**
   * {@link FileSystemBackend#openBackingFd} works: files are local files the kernel can read and
   * write directly (FUSE passthrough). A backend may offer it for some files only (a client-side
   * cache: read-only, files held whole locally); for others it throws
   * {@link UnsupportedException} and the VFS serves the open itself.
   */
  BACKING_FD
}
