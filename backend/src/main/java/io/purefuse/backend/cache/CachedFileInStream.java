package io.purefuse.backend.cache;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.InvalidArgumentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional reads of a complete cache entry (an open served by purefuse rather than by FUSE
 * passthrough: a file below the passthrough size, or passthrough off). The channel keeps the
 * data readable even if the entry is evicted meanwhile. Thread safe.
 */
final class CachedFileInStream implements FileInStream {
  private final AlluxioPath path;
  private final FileChannel channel;
  private final long length;
  private final ClientCache cache;

  CachedFileInStream(AlluxioPath path, FileChannel channel, long length, ClientCache cache) {
    this.path = path;
    this.channel = channel;
    this.length = length;
    this.cache = cache;
  }

  @Override
  public int read(long offset, ByteBuffer dst) throws BackendException {
    if (offset < 0) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, path.toString(), "negative offset " + offset, null);
    }
    if (offset >= length) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    int want = (int) Math.min(dst.remaining(), length - offset);
    int lim = dst.limit();
    int start = dst.position();
    dst.limit(start + want);
    try {
      while (dst.hasRemaining()) {
        int n = channel.read(dst, offset + (dst.position() - start));
        if (n < 0) {
          throw new BackendException(ErrorCode.IO_ERROR, path.toString(),
              "client cache file ended at " + (offset + dst.position() - start) + " of " + length);
        }
      }
    } catch (IOException e) {
      throw new BackendException(ErrorCode.IO_ERROR, path.toString(), "client cache read failed: " + e, e);
    } finally {
      dst.limit(lim);
    }
    cache.countRead(want);
    return want;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only
    }
  }
}
