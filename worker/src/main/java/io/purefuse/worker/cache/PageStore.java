package io.purefuse.worker.cache;

import java.io.IOException;

/** Where cached pages live: memory or files in the cache directory. */
interface PageStore extends AutoCloseable {
  /** Keeps {@code data[0..len)} as page {@code index} of {@code owner}'s file. */
  CachedPage store(FileEntry owner, long index, byte[] data, int len) throws IOException;

  /** Short description for logs. */
  String describe();

  @Override
  void close();
}
