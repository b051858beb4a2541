package io.purefuse.backend.cache;

import io.purefuse.backend.BackendException;
import io.purefuse.backend.FileInStream;
import java.nio.ByteBuffer;

/**
 * A worker stream whose reads also fill the cache ({@link CacheFill}): a read whose range the
 * shared fill already holds is served from the local file, any other from the worker and then
 * written to the fill. The read that completes the file commits it. Cache trouble never fails a
 * read: the fill is dropped and the worker keeps serving.
 *
 * <p>Thread safe as the wrapped stream is; no allocation per read.
 */
final class FillingInStream implements FileInStream {
  private final FileInStream remote;
  private final CacheFill fill;
  private final ClientCache cache;
  private final ClientCache.Revalidator revalidate;
  private final long length;
  private boolean closed;

  FillingInStream(FileInStream remote, CacheFill fill, ClientCache cache, ClientCache.Revalidator revalidate) {
    this.remote = remote;
    this.fill = fill;
    this.cache = cache;
    this.revalidate = revalidate;
    this.length = fill.identity().length();
  }

  @Override
  public int read(long offset, ByteBuffer dst) throws BackendException {
    if (offset >= 0 && offset < length && dst.hasRemaining()) {
      int want = (int) Math.min(dst.remaining(), length - offset);
      if (fill.covers(offset, want)) {
        int lim = dst.limit();
        dst.limit(dst.position() + want);
        int n;
        try {
          n = fill.readBack(offset, dst);
        } finally {
          dst.limit(lim);
        }
        if (n == want) {
          return n;
        }
      }
    }
    int from = dst.position();
    int n = remote.read(offset, dst);
    if (n > 0 && fill.record(offset, dst, from, n)) {
      cache.commit(fill, revalidate);
    }
    return n;
  }

  @Override
  public long length() throws BackendException {
    return remote.length();
  }

  @Override
  public void close() throws BackendException {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      remote.close();
    } finally {
      cache.release(fill);
    }
  }
}
