package io.purefuse.worker.grpc;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.AlreadyExistsException;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.NotFoundException;
import io.purefuse.worker.cache.FileVersion;
import io.purefuse.worker.cache.PageCache;
import io.purefuse.worker.cache.PageSource;
import io.purefuse.worker.ufs.UfsPath;
import io.purefuse.worker.ufs.UfsPathMapper;
import io.grpc.Status;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What the request handlers share: the under-store, the path mapping, the page cache and the
 * files being written. Thread safe.
 */
public final class UfsFiles {
  final FileSystemBackend ufs;
  final UfsPathMapper mapper;
  final PageCache cache;
  final OpenFiles openFiles = new OpenFiles();

  public UfsFiles(FileSystemBackend ufs, UfsPathMapper mapper, PageCache cache) {
    this.ufs = ufs;
    this.mapper = mapper;
    this.cache = cache;
  }

  public PageCache cache() {
    return cache;
  }

  /** Status of a regular file to read; refuses directories and symlinks (never followed). */
  FileStatus readableStatus(UfsPath file) throws BackendException {
    FileStatus st = ufs.getStatus(file.path());
    if (st.isSymlink()) {
      throw Status.PERMISSION_DENIED.withDescription(
          "refusing to read through the symbolic link " + file.ufsPath()).asRuntimeException();
    }
    if (st.isDirectory()) {
      throw Status.FAILED_PRECONDITION.withDescription("IS_DIRECTORY: " + file.ufsPath() + " is a directory")
          .asRuntimeException();
    }
    return st;
  }

  /**
   * A page source reading {@code file} that opens it at the first miss; close it with
   * {@link LazySource#close()}. Used by one thread at a time.
   */
  LazySource source(UfsPath file) {
    return new LazySource(file);
  }

  final class LazySource implements PageSource, AutoCloseable {
    private final UfsPath file;
    private FileInStream in;

    private LazySource(UfsPath file) {
      this.file = file;
    }

    @Override
    public int read(long pos, byte[] dst, int off, int len) throws IOException {
      if (in == null) {
        in = ufs.openFile(file.path());
      }
      int r = in.read(pos, ByteBuffer.wrap(dst, off, len));
      return Math.max(r, 0);
    }

    @Override
    public void close() {
      if (in != null) {
        try {
          in.close();
        } catch (BackendException e) {
          // nothing was written through it; a failed close loses nothing
        }
        in = null;
      }
    }
  }

  /**
   * Creates {@code path} for writing. With {@code overwrite}, an existing file is replaced by a
   * new one (unlinked, then created again with its mode and ownership) instead of truncated in
   * place: every worker writes the same under-store, and a stream still writing the old file
   * (its worker was frozen, its client gave up and wrote the path again through another worker)
   * then writes into the unlinked old file, never into the new one. Anything but a regular file
   * (a directory, a symlink) gets the under-store's own answer, as before.
   */
  FileOutStream create(AlluxioPath path, CreateOptions options) throws BackendException {
    if (!options.overwrite()) {
      return ufs.createFile(path, options);
    }
    CreateOptions.Builder fresh = CreateOptions.builder().overwrite(false).mode(options.fileMode())
        .uid(options.uid()).gid(options.gid());
    if (options.owner() != null) {
      fresh.owner(options.owner());
    }
    if (options.group() != null) {
      fresh.group(options.group());
    }
    for (int attempt = 0; ; attempt++) {
      try {
        return ufs.createFile(path, fresh.build());
      } catch (AlreadyExistsException exists) {
        FileStatus old;
        try {
          old = ufs.getStatus(path);
        } catch (NotFoundException gone) {
          continue; // removed meanwhile: create it
        }
        if (!old.isRegularFile() || attempt >= 3) {
          // Not a file, or someone keeps creating it: truncating in place is the best left.
          return ufs.createFile(path, options);
        }
        // What truncation in place would have kept.
        fresh = CreateOptions.builder().overwrite(false).mode(old.mode()).uid(old.uid()).gid(old.gid());
        try {
          ufs.delete(path, false);
        } catch (NotFoundException gone) {
          // removed meanwhile
        }
      }
    }
  }

  /** The share of {@code st}'s file in the cache. */
  int cachedPercentage(UfsPath file, FileStatus st) {
    return st.isRegularFile() ? cache.cachedPercentage(file.cacheKey(), FileVersion.of(st)) : 0;
  }
}
