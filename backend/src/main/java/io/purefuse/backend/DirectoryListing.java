package io.purefuse.backend;

/**
 * A streaming, closeable cursor over the entries of one directory, from
 * {@link FileSystemBackend#listStatus}. Entries are produced lazily (local: one {@code readdir}
 * entry and one {@code lstat} at a time; remote: one streamed page at a time), so a directory of
 * any size is listed in bounded memory. {@code "."} and {@code ".."} are never returned.
 *
 * <p>Not thread safe: one listing is used by one thread at a time (the VFS serializes READDIR
 * per open directory handle). Always {@link #close()} it, also after a failure.
 */
public interface DirectoryListing extends AutoCloseable {
  /**
   * The next entry, or {@code null} once the listing is exhausted. Entries that vanish between
   * being listed and being examined are skipped silently.
   *
   * @throws PermissionDeniedException if an entry cannot be examined
   * @throws UnavailableException if a remote store stops answering mid-listing
   * @throws BackendException ({@link ErrorCode#IO_ERROR}) for other store failures
   */
  FileStatus next() throws BackendException;

  /**
   * Position, in the store order, of the entry {@link #next()} will return next: after a call
   * to {@code next()} that returned an entry, {@code position()} is the offset that resumes right
   * after it (see {@link ListOptions#resume}).
   */
  long position();

  /** Releases the listing (directory handle, remote stream). Idempotent; never throws. */
  @Override
  void close();
}
