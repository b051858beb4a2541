package io.purefuse.backend;

import java.nio.ByteBuffer;

/**
 * A sequential writer of a newly created (or overwritten) file, from
 * {@link FileSystemBackend#createFile}. Alluxio workers accept data only at rising offsets and
 * finish the file with an end marker plus a {@code CompleteFile}; this interface has exactly
 * that shape: data is appended at {@link #position()}, {@link #close()} completes the file and
 * {@link #cancel()} abandons it.
 *
 * <p>Visibility: the file exists in the namespace from {@code createFile} on (so the VFS can
 * answer lookups of it at once) but is reported with {@link FileStatus#isCompleted()} false and a
 * possibly growing length until {@code close()} returns.
 *
 * <p>Not thread safe for concurrent writes (a sequential stream cannot be); the VFS serializes
 * writes per handle. {@link #position()} may be read from any thread.
 */
public interface FileOutStream extends AutoCloseable {
  /** Status of the file right after creation (for the CREATE reply); no extra round trip. */
  FileStatus initialStatus();

  /** Bytes written so far = the file offset the next {@link #write} goes to. */
  long position();

  /**
   * Appends all remaining bytes of {@code src} at {@link #position()}; on return {@code src} is
   * drained and the position advanced by the count.
   *
   * @throws NoSpaceException if the store is full
   * @throws UnavailableException if a remote store does not answer
   * @throws BackendException ({@link ErrorCode#IO_ERROR}) on other errors, or if the stream is
   *     closed or cancelled; after a failed write the stream should be cancelled
   */
  void write(ByteBuffer src) throws BackendException;

  /** Hands buffered data to the store (it becomes readable by other readers). Same errors. */
  void flush() throws BackendException;

  /** Like {@link #flush()}, and make the data durable in the store (FUSE FSYNC). */
  void sync() throws BackendException;

  /**
   * Completes the file: flushes, marks it complete and releases the stream. Idempotent; a no-op
   * after {@link #cancel()}.
   *
   * @throws NoSpaceException if the final flush does not fit
   * @throws UnavailableException if a remote store does not confirm completion
   */
  @Override
  void close() throws BackendException;

  /**
   * Abandons the file: it is removed from the namespace (as Alluxio does with an incomplete
   * file) and the stream released. Idempotent; a no-op after {@link #close()}.
   */
  void cancel() throws BackendException;

  /**
   * Whether this stream can hand out the open file itself ({@link #sameFile()}): then reads of
   * what was written and a switch to random access keep working after the file was unlinked or
   * renamed, as an open descriptor does in POSIX. Remote stores answer false: they cannot read
   * an incomplete file, and the VFS falls back to opening by path.
   */
  default boolean hasSameFileAccess() {
    return false;
  }

  /**
   * A reader of what this stream wrote so far, on the same open file (not reopened by path), so
   * that a process can read back its own writes after unlinking the file (Python's
   * {@code TemporaryFile} does). Valid while this stream is open; its close releases nothing.
   *
   * @throws UnsupportedException unless {@link #hasSameFileAccess()}
   */
  default FileInStream sameFileReader() throws BackendException {
    throw new UnsupportedException(initialStatus().path().toString(), "no same-file access to a stream of this store");
  }

  /**
   * Converts this stream into a random-access handle on the same open file (not reopened by
   * path). Ownership of the open file moves to the handle: a later {@link #close()} of this
   * stream only ends the stream's bookkeeping, and the handle's close releases the file.
   *
   * @throws UnsupportedException unless {@link #hasSameFileAccess()}
   */
  default RandomAccessFileHandle sameFile() throws BackendException {
    throw new UnsupportedException(initialStatus().path().toString(), "no same-file access to a stream of this store");
  }
}
