package io.purefuse.backend;

import java.util.Optional;
import java.util.Set;

/**
 * The storage SPI the VFS runs on: a path-based, Alluxio-shaped view of one namespace.
 *
 * <h2>Paths</h2>
 * Every path is an {@link AlluxioPath} relative to the mounted namespace root. A backend maps it
 * to its store: the local UFS resolves it under its root directory, a remote backend prefixes the
 * UFS root ({@code alluxio.dora.client.ufs.root}) and sends the full UFS path to the worker that
 * owns it. A backend never follows a symbolic link on behalf of the caller: operations apply to
 * the named entry itself ({@code lstat}, not {@code stat}), and a symlink met as a parent
 * component is reported as {@link NotDirectoryException} (the kernel resolves links client-side,
 * so the VFS never sends such a path legitimately). No path can reach outside the namespace.
 *
 * <h2>Errors</h2>
 * Every failure is a {@link BackendException} whose {@link BackendException#code() code} maps 1:1
 * to an errno; the per-method lists below name the usual ones. In addition, any method may throw
 * {@link UnavailableException} (remote store unreachable or timed out, EIO/ETIMEDOUT),
 * {@link PermissionDeniedException} (the store itself refuses access, EACCES/EPERM) and
 * {@link BackendException} with {@link ErrorCode#IO_ERROR} (anything else); {@code NOT_FOUND}
 * and {@code NOT_DIRECTORY} apply to a missing or non-directory parent on every path argument.
 * Permission checks on behalf of the FUSE caller are the VFS's job, not the backend's.
 *
 * <h2>Threads</h2>
 * Synchronous by design: the VFS calls it from FUSE reader threads, and a remote implementation
 * uses blocking gRPC stubs. All methods are thread safe and may be called concurrently; the
 * concurrency contract of the returned handles is documented on {@link DirectoryListing},
 * {@link FileInStream}, {@link FileOutStream} and {@link RandomAccessFileHandle}.
 */
public interface FileSystemBackend extends AutoCloseable {
  /** A short description for logs, e.g. {@code "local:/data/ufs"}. */
  String describe();

  /** The optional features this backend supports. */
  Set<Capability> capabilities();

  /** Where {@code path} lives in the under store (local absolute path or UFS URI). */
  String ufsPath(AlluxioPath path);

  /**
   * Metadata of the entry itself (symlinks are not followed).
   *
   * @throws NotFoundException the entry or a parent does not exist
   * @throws NotDirectoryException a parent is not a directory
   */
  FileStatus getStatus(AlluxioPath path) throws BackendException;

  /**
   * Whether the entry exists (a dangling symlink exists). Never throws for a missing entry or a
   * parent that is not a directory (both are {@code false}).
   */
  boolean exists(AlluxioPath path) throws BackendException;

  /**
   * Streams the entries of a directory. See {@link ListOptions} for order and resumption.
   *
   * @throws NotFoundException {@code dir} does not exist
   * @throws NotDirectoryException {@code dir} is not a directory
   */
  DirectoryListing listStatus(AlluxioPath dir, ListOptions options) throws BackendException;

  /** {@code listStatus(dir, ListOptions.defaults())}. */
  default DirectoryListing listStatus(AlluxioPath dir) throws BackendException {
    return listStatus(dir, ListOptions.defaults());
  }

  /**
   * Creates a directory with {@link CreateOptions#directoryMode()} and the requested ownership.
   *
   * @return the new directory's status
   * @throws AlreadyExistsException an entry of that name exists (not raised with
   *     {@link CreateOptions#recursive()} if it is a directory)
   * @throws NotFoundException the parent does not exist (and not {@code recursive})
   * @throws NotDirectoryException a parent is not a directory
   * @throws NoSpaceException the store is full
   */
  FileStatus createDirectory(AlluxioPath path, CreateOptions options) throws BackendException;

  /**
   * Creates (or with {@link CreateOptions#overwrite()} truncates in place) a regular file and
   * returns a sequential writer for it. The file is visible at once but incomplete until the
   * stream is closed; see {@link FileOutStream}.
   *
   * @throws AlreadyExistsException an entry of that name exists and not {@code overwrite}
   * @throws IsDirectoryException {@code overwrite} and the entry is a directory
   * @throws BackendException {@link ErrorCode#SYMLINK_LOOP} if {@code overwrite} and the entry is
   *     a symlink
   * @throws NotFoundException the parent does not exist
   * @throws NoSpaceException the store is full
   */
  FileOutStream createFile(AlluxioPath path, CreateOptions options) throws BackendException;

  /**
   * Opens a file for positional reads.
   *
   * @throws NotFoundException the file does not exist
   * @throws IsDirectoryException it is a directory
   * @throws BackendException {@link ErrorCode#SYMLINK_LOOP} if it is a symlink
   */
  FileInStream openFile(AlluxioPath path) throws BackendException;

  /**
   * Opens an existing regular file for reads and writes at arbitrary offsets.
   *
   * @throws UnsupportedException the backend lacks {@link Capability#RANDOM_WRITE}
   * @throws NotFoundException the file does not exist
   * @throws IsDirectoryException it is a directory
   * @throws BackendException {@link ErrorCode#SYMLINK_LOOP} if it is a symlink
   */
  RandomAccessFileHandle openForRandomWrite(AlluxioPath path) throws BackendException;

  /**
   * Opens a regular file as a native file descriptor (O_CLOEXEC, never following a symlink at
   * the last component), read-only or read-write, for the kernel to serve I/O from directly
   * (FUSE passthrough). The caller owns the descriptor and must close it.
   *
   * @throws UnsupportedException the backend lacks {@link Capability#BACKING_FD}
   * @throws NotFoundException the file does not exist
   * @throws IsDirectoryException it is a directory
   */
  default int openBackingFd(AlluxioPath path, boolean writable) throws BackendException {
    throw new UnsupportedException(path.toString(), describe() + " has no native file descriptors");
  }

  /** Closes a descriptor from {@link #openBackingFd}. */
  default void closeBackingFd(int fd) {
    throw new UnsupportedOperationException("no native file descriptors");
  }

  /**
   * For a backend whose backing files are local <em>copies</em> of remote data (a client-side
   * cache): the version of the data held by {@code fd}, a descriptor from {@link #openBackingFd}
   * not yet closed, to be checked later with {@link #backingCurrent}. Null (the default) when a
   * backing file is the file itself and so always current.
   */
  default String backingVersion(int fd) {
    return null;
  }

  /**
   * Whether a backing file of {@code path} whose {@link #backingVersion} was {@code version} still
   * holds the file's current data (the store is asked). The VFS calls it before it names an
   * already registered backing file in a new open: the kernel shares one backing file among all
   * opens of an inode, so a stale copy must not be handed to a new opener. Default: true.
   */
  default boolean backingCurrent(AlluxioPath path, String version) throws BackendException {
    return true;
  }

  /**
   * Removes an entry: a file or symlink is unlinked, a directory removed (with its whole subtree
   * if {@code recursive}; symlinks inside are removed, never followed).
   *
   * @throws NotFoundException the entry does not exist
   * @throws DirectoryNotEmptyException a non-empty directory and not {@code recursive}
   * @throws BackendException {@link ErrorCode#BUSY} for the root
   */
  void delete(AlluxioPath path, boolean recursive) throws BackendException;

  /**
   * Renames {@code src} to {@code dst} atomically (a directory moves with its subtree).
   *
   * @throws NotFoundException {@code src} (or with {@code exchange} {@code dst}) does not exist
   * @throws AlreadyExistsException {@code noReplace} and {@code dst} exists
   * @throws DirectoryNotEmptyException {@code dst} is a non-empty directory
   * @throws IsDirectoryException {@code dst} is a directory and {@code src} is not
   * @throws NotDirectoryException {@code src} is a directory and {@code dst} is not
   * @throws InvalidArgumentException {@code dst} lies inside {@code src}, or either is the root
   * @throws UnsupportedException the requested flag is not supported
   * @throws BackendException {@link ErrorCode#CROSS_DEVICE} if the store cannot move between the
   *     two locations
   */
  void rename(AlluxioPath src, AlluxioPath dst, RenameOptions options) throws BackendException;

  /**
   * Changes mode, ownership and/or times of the entry itself (a symlink is not followed).
   *
   * @return the entry's status after the change
   * @throws NotFoundException the entry does not exist
   * @throws PermissionDeniedException ({@link ErrorCode#OPERATION_NOT_PERMITTED}) the store may
   *     not change the ownership
   * @throws UnsupportedException e.g. a mode change of a symlink
   * @throws InvalidArgumentException an owner or group name the store does not know
   */
  FileStatus setAttributes(AlluxioPath path, SetAttributeOptions options) throws BackendException;

  /**
   * Sets the length of a regular file (longer: zero filled).
   *
   * @return the file's status after the change
   * @throws NotFoundException the file does not exist
   * @throws IsDirectoryException it is a directory
   * @throws InvalidArgumentException negative length
   * @throws UnsupportedException the backend lacks {@link Capability#TRUNCATE}
   */
  FileStatus truncate(AlluxioPath path, long length) throws BackendException;

  /**
   * Creates a symbolic link whose content is {@code target}, stored verbatim (it is resolved by
   * the kernel relative to the mount, never by the backend). Mode is ignored; ownership applies.
   *
   * @return the link's status
   * @throws AlreadyExistsException an entry of that name exists
   * @throws InvalidArgumentException {@code target} is empty or contains NUL
   * @throws UnsupportedException the backend lacks {@link Capability#SYMLINKS}
   */
  FileStatus createSymlink(AlluxioPath path, String target, CreateOptions options) throws BackendException;

  /**
   * The content of a symbolic link.
   *
   * @throws NotFoundException the link does not exist
   * @throws InvalidArgumentException the entry is not a symlink (as {@code readlink(2)})
   */
  String readSymlink(AlluxioPath path) throws BackendException;

  /** Capacity of the store, or empty if unknown (the VFS then reports an unbounded store). */
  Optional<SpaceInfo> getSpace() throws BackendException;

  /** Releases the backend's resources; handles still open afterwards may fail. Idempotent. */
  @Override
  void close() throws BackendException;
}
