package io.purefuse.worker.cache;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.Arrays;

/** Pages on the heap. A cached page's array is never written again, so slices wrap it. */
final class MemoryPageStore implements PageStore {
  @Override
  public CachedPage store(FileEntry owner, long index, byte[] data, int len) {
    return view(owner, index, len == data.length ? data : Arrays.copyOf(data, len), len);
  }

  /** A page over {@code data}, which nobody may write again. */
  static CachedPage view(FileEntry owner, long index, byte[] data, int len) {
    return new CachedPage(owner, index, len) {
      @Override
      ByteString slice(int off, int n) {
        return UnsafeByteOperations.unsafeWrap(data, off, n);
      }

      @Override
      void discard() {}
    };
  }

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public void close() {}
}
