package io.purefuse.backend.cache;

import io.purefuse.backend.BackendException;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.local.LocalUnderFileSystem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;

/**
 * One cache directory: its files live in {@value #SUBDIR} under the configured directory (so
 * the cache never touches other files there), bounded by {@link #capacity()} bytes of complete
 * entries plus fills in progress. Held exclusively by one client (a lock file), as two clients
 * evicting each other's files would break both bounds. Accounting fields are guarded by the
 * owning {@link ClientCache}.
 */
final class CacheDir implements AutoCloseable {
  static final String SUBDIR = "purefuse-client-cache";
  static final String LOCK = ".lock";

  private final Path files;
  private final long capacity;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final LocalUnderFileSystem fds;
  /** Complete entries in LRU order (access order: eldest first). */
  final LinkedHashMap<String, CachedFile> lru = new LinkedHashMap<>(64, 0.75f, true);
  long used;
  long reserved;

  private CacheDir(Path files, long capacity, FileChannel lockChannel, FileLock lock, LocalUnderFileSystem fds) {
    this.files = files;
    this.capacity = capacity;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.fds = fds;
  }

  /**
   * Creates (if needed) and locks {@code configured}/{@value #SUBDIR}.
   *
   * @throws BackendException the directory cannot be made or written, or another client holds it
   */
  static CacheDir open(Path configured, long capacity) throws BackendException {
    Path files = configured.resolve(SUBDIR);
    FileChannel ch = null;
    try {
      Files.createDirectories(files);
      ch = FileChannel.open(files.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        String holder = new String(Files.readAllBytes(files.resolve(LOCK)), StandardCharsets.US_ASCII).trim();
        throw new BackendException(ErrorCode.BUSY, files.toString(), "client cache directory " + files
            + " is in use by another client" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
            + ": give each mount its own " + ClientCacheConfig.DIRS);
      }
      ch.truncate(0);
      ch.write(java.nio.ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
      LocalUnderFileSystem fds = LocalUnderFileSystem.open(files);
      return new CacheDir(files, capacity, ch, l, fds);
    } catch (BackendException | RuntimeException e) {
      closeQuietly(ch);
      throw e;
    } catch (IOException e) {
      closeQuietly(ch);
      throw new BackendException(ErrorCode.IO_ERROR, files.toString(),
          "cannot use client cache directory " + files + ": " + e, e);
    }
  }

  /**
   * Whether a configured directory is locked by a sibling of this process: a process with the same
   * parent (not init), i.e. the previous server under the same supervisor.
   */
  static boolean heldBySibling(ClientCacheConfig config) {
    java.util.Optional<ProcessHandle> mine = ProcessHandle.current().parent();
    if (mine.isEmpty() || mine.get().pid() <= 1) {
      return false;
    }
    for (Path configured : config.dirs()) {
      try {
        String holder = new String(Files.readAllBytes(configured.resolve(SUBDIR).resolve(LOCK)),
            StandardCharsets.US_ASCII).trim();
        long pid = Long.parseLong(holder);
        java.util.Optional<ProcessHandle> parent = ProcessHandle.of(pid).flatMap(ProcessHandle::parent);
        if (pid != ProcessHandle.current().pid() && parent.isPresent() && parent.get().pid() == mine.get().pid()) {
          return true;
        }
      } catch (IOException | NumberFormatException e) {
        // no holder recorded there
      }
    }
    return false;
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }

  /** The directory holding the cache files. */
  Path files() {
    return files;
  }

  long capacity() {
    return capacity;
  }

  /** Opens {@code name} read-only as a native descriptor (O_CLOEXEC, O_NOFOLLOW) for passthrough. */
  int openFd(String name) throws BackendException {
    return fds.openBackingFd(io.purefuse.backend.AlluxioPath.of("/" + name), false);
  }

  void closeFd(int fd) {
    fds.closeBackingFd(fd);
  }

  @Override
  public void close() {
    fds.close();
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel drops it anyway
    }
    closeQuietly(lockChannel);
  }

  @Override
  public String toString() {
    return files.toString();
  }
}
