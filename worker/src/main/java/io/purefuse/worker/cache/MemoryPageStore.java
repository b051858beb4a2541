package io.purefuse.worker.cache;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.Arrays;

/** Pages on the heap. A cached page's array is never written again, so slices wrap it. */
final class MemoryPageStore implements PageStore {
  @Override
  public CachedPage store(FileEntry owner, long index, byte[] data, int len) {
    byte[] kept = len == data.length ? data : Arrays.copyOf(data, len);
    return new CachedPage(owner, index, len) {
      @Override
      ByteString slice(int off, int n) {
        return UnsafeByteOperations.unsafeWrap(kept, off, n);
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
