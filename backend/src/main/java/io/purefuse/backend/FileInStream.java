package io.purefuse.backend;

import java.nio.ByteBuffer;

/**
 * A positional reader of one file, from {@link FileSystemBackend#openFile}. Alluxio reads a
 * file as one virtual block at arbitrary offsets, so there is no implicit position.
 *
 * <p>Thread safe: any number of threads may call {@link #read} concurrently (FUSE reader
 * threads serving parallel READs of one open file).
 */
public interface FileInStream extends AutoCloseable {
  /**
   * Reads bytes starting at {@code offset} into {@code dst} (from its position to its limit),
   * until {@code dst} is full or the end of the file is reached, and advances {@code dst}'s
   * position by the count.
   *
   * @return the number of bytes read, or {@code -1} if {@code offset} is at or beyond the end
   *     of the file (0 only if {@code dst} has no space left)
   * @throws InvalidArgumentException if {@code offset} is negative
   * @throws UnavailableException if a remote store does not answer
   * @throws BackendException ({@link ErrorCode#IO_ERROR}) on a store read error, or if the
   *     stream is closed
   */
  int read(long offset, ByteBuffer dst) throws BackendException;

  /** The current length of the file in bytes. Same errors as {@link #read}. */
  long length() throws BackendException;

  /** Releases the reader. Idempotent. */
  @Override
  void close() throws BackendException;
}
