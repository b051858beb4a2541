package io.purefuse.backend.alluxio;

import alluxio.grpc.FileInfo;
import io.grpc.StatusRuntimeException;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.InvalidPathException;
import io.purefuse.backend.ListOptions;
import io.purefuse.backend.UnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DirectoryListing} over a worker's {@code ListStatus} stream, consumed entry by entry
 * ({@link ListStatusStream} holds at most two batches). Positions count entries of the worker's
 * order; {@link ListOptions} offsets and names are honoured by skipping on the client (the
 * protocol has no offset), re-listing only when the directory changed under a resumed listing.
 */
final class WorkerListing implements DirectoryListing {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerListing.class);

  /** A started stream and its first entry (null for an empty directory). */
  record Opened(ListStatusStream stream, FileInfo first) {}

  /** Opens (with fail-over) a fresh listing of the same directory. */
  interface Opener {
    Opened open() throws BackendException;
  }

  private final AlluxioPath dir;
  private final Opener opener;
  private final PosixAccounts accounts;
  private ListStatusStream stream;
  private FileInfo pending;
  private boolean hasPending;
  private long position;
  private boolean closed;

  private WorkerListing(AlluxioPath dir, Opener opener, PosixAccounts accounts) {
    this.dir = dir;
    this.opener = opener;
    this.accounts = accounts;
  }

  static WorkerListing open(AlluxioPath dir, Opener opener, Opened first, PosixAccounts accounts,
      ListOptions options) throws BackendException {
    WorkerListing l = new WorkerListing(dir, opener, accounts);
    l.attach(first);
    try {
      l.seek(options);
    } catch (BackendException | RuntimeException e) {
      l.close();
      throw e;
    }
    return l;
  }

  private void attach(Opened o) {
    if (stream != null) {
      stream.close();
    }
    stream = o.stream();
    pending = o.first();
    hasPending = true;
    position = 0;
  }

  /** The next raw entry of the stream, or null at its end. */
  private FileInfo raw() throws BackendException {
    if (hasPending) {
      hasPending = false;
      FileInfo f = pending;
      pending = null;
      if (f != null) {
        position++;
      }
      return f;
    }
    try {
      FileInfo f = stream.next();
      if (f != null) {
        position++;
      }
      return f;
    } catch (StatusRuntimeException e) {
      BackendException b = GrpcErrors.map(e, dir.toString());
      throw b instanceof UnavailableException ? b
          : new UnavailableException(b.code() == io.purefuse.backend.ErrorCode.TIMED_OUT
              ? io.purefuse.backend.ErrorCode.TIMED_OUT : io.purefuse.backend.ErrorCode.UNAVAILABLE,
              dir.toString(), "listing broke off: " + b.getMessage(), e);
    }
  }

  private void seek(ListOptions options) throws BackendException {
    long offset = options.offset();
    String after = options.startAfter();
    if (offset == 0 && after == null) {
      return;
    }
    long seenAt = -1;
    String last = null;
    while (position < offset) {
      FileInfo f = raw();
      if (f == null) {
        break;
      }
      last = FileInfos.entryName(f);
      if (after != null && after.equals(last)) {
        seenAt = position;
      }
    }
    if (after == null || after.equals(last) && position == offset) {
      return;
    }
    if (seenAt >= 0) {
      // The name moved up: resume right after it.
      relistAndSkip(seenAt);
      return;
    }
    // Look further on for the name; if it is gone, resume at the offset.
    while (true) {
      FileInfo f = raw();
      if (f == null) {
        relistAndSkip(offset);
        return;
      }
      if (after.equals(FileInfos.entryName(f))) {
        return;
      }
    }
  }

  private void relistAndSkip(long count) throws BackendException {
    attach(opener.open());
    while (position < count && raw() != null) {
      // skip
    }
  }

  @Override
  public FileStatus next() throws BackendException {
    if (closed) {
      throw new BackendException(io.purefuse.backend.ErrorCode.IO_ERROR, dir.toString(), "listing is closed");
    }
    while (true) {
      FileInfo f = raw();
      if (f == null) {
        return null;
      }
      String name = FileInfos.entryName(f);
      try {
        return FileInfos.toStatus(f, dir.child(name), accounts);
      } catch (InvalidPathException e) {
        LOG.warn("skipping an entry of {} whose name cannot be a path component: {}", dir, name);
      }
    }
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (stream != null) {
        stream.close();
      }
    }
  }
}
