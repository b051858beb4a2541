package io.purefuse.worker.cache;

import com.google.protobuf.ByteString;
import java.io.IOException;

/** A page held by a {@link PageStore}. Immutable content; thread safe. */
abstract class CachedPage {
  final FileEntry owner;
  final long index;
  final int length;

  CachedPage(FileEntry owner, long index, int length) {
    this.owner = owner;
    this.index = index;
    this.length = length;
  }

  /** Bytes {@code [off, off + len)} of the page. */
  abstract ByteString slice(int off, int len) throws IOException;

  /** Releases the page's storage (called once, when the cache drops it). */
  abstract void discard();
}
