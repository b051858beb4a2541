package io.purefuse.worker.cache;

import java.io.IOException;

/** Where a missing page is read from: the under-store file, opened by the caller. */
@FunctionalInterface
public interface PageSource {
  /**
   * Reads up to {@code len} bytes at file offset {@code pos} into {@code dst[off..]}, fewer only
   * at the end of the file.
   *
   * @return the number of bytes read
   */
  int read(long pos, byte[] dst, int off, int len) throws IOException;
}
