package io.purefuse.backend;

import java.nio.ByteBuffer;

/**
 * Read/write access at arbitrary offsets to an existing file, from
 * {@link FileSystemBackend#openForRandomWrite}; only backends with
 * {@link Capability#RANDOM_WRITE}. Writes are visible to {@link #read} on the same handle at
 * once. Thread safe: concurrent positional reads and writes are allowed (overlapping writes race
 * as with {@code pwrite(2)}).
 */
public interface RandomAccessFileHandle extends FileInStream {
  /**
   * Writes all remaining bytes of {@code src} at {@code offset} (extending the file if needed,
   * holes read as zeros) and drains {@code src}.
   *
   * @throws InvalidArgumentException if {@code offset} is negative
   * @throws NoSpaceException if the store is full
   * @throws BackendException ({@link ErrorCode#IO_ERROR}) on other errors or if closed
   */
  void write(long offset, ByteBuffer src) throws BackendException;

  /**
   * Sets the file length: shorter drops the tail, longer appends zeros (sparse where possible).
   *
   * @throws InvalidArgumentException if {@code length} is negative
   * @throws NoSpaceException if the store is full
   */
  void truncate(long length) throws BackendException;

  /** Makes written data durable (FUSE FSYNC). */
  void sync() throws BackendException;
}
