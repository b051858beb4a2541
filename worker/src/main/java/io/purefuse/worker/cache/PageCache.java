package io.purefuse.worker.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * A capacity-bounded cache of fixed-size pages of under-store files.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Pages are keyed by file, {@link FileVersion} and index; a reader passes the version it
 *       just read from the under-store, and pages of any other version of that file are dropped
 *       at once, so changed (mtime, length or inode) files are never served stale.
 *   <li>Concurrent misses on one page cost one under-store read: the first reader loads it, the
 *       others wait for that load (an {@link AsyncCache} holds the pending load).
 *   <li>The total size of cached pages stays within the capacity (caffeine's size eviction,
 *       W-TinyLFU: recency with a frequency filter; run on the calling thread so the bound holds
 *       when a call returns).
 *   <li>A failed load is not cached; the next reader tries again.
 * </ul>
 * Thread safe.
 */
public final class PageCache implements AutoCloseable {
  private final PageStore store;
  private final int pageSize;
  private final long capacity;
  private final AsyncCache<PageKey, CachedPage> pages;
  private final Map<String, FileEntry> files = new ConcurrentHashMap<>();

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder invalidations = new LongAdder();
  private final LongAdder ufsReads = new LongAdder();
  private final LongAdder ufsBytesRead = new LongAdder();
  private final LongAdder bytesServed = new LongAdder();

  private PageCache(PageStore store, long capacity, int pageSize) {
    if (pageSize <= 0) {
      throw new IllegalArgumentException("page size must be positive: " + pageSize);
    }
    if (capacity < pageSize) {
      throw new IllegalArgumentException("cache capacity " + capacity + " is smaller than one page (" + pageSize + ")");
    }
    this.store = store;
    this.pageSize = pageSize;
    this.capacity = capacity;
    this.pages = Caffeine.newBuilder()
        .maximumWeight(capacity)
        .<PageKey, CachedPage>weigher((k, v) -> v.length)
        .executor(Runnable::run)
        .<PageKey, CachedPage>removalListener((k, v, cause) -> dropped(v, cause))
        .buildAsync();
  }

  /** A cache whose pages live on the heap. */
  public static PageCache inMemory(long capacity, int pageSize) {
    return new PageCache(new MemoryPageStore(), capacity, pageSize);
  }

  /** A cache whose pages live as files in {@code cacheDir/pages} (emptied now). */
  public static PageCache onDisk(Path cacheDir, long capacity, int pageSize) throws IOException {
    return new PageCache(new DiskPageStore(cacheDir), capacity, pageSize);
  }

  public int pageSize() {
    return pageSize;
  }

  public long capacity() {
    return capacity;
  }

  public String describe() {
    return store.describe() + " capacity=" + capacity + " pageSize=" + pageSize;
  }

  private void dropped(CachedPage page, RemovalCause cause) {
    if (page == null) {
      return;
    }
    page.owner.removed(page.index, page.length);
    if (cause == RemovalCause.SIZE) {
      evictions.increment();
      // Forget files with nothing cached left. Pages are keyed by version, so an entry lost to a
      // race with a concurrent load only costs accounting, never correctness.
      if (page.owner.bytes.get() == 0) {
        files.remove(page.owner.file, page.owner);
      }
    } else if (cause == RemovalCause.EXPLICIT) {
      invalidations.increment();
    }
    page.discard();
  }

  /** The entry for {@code file} at {@code version}; pages of any other version are dropped. */
  private FileEntry entry(String file, FileVersion version) {
    FileEntry e = files.get(file);
    if (e != null && e.version.equals(version)) {
      return e;
    }
    FileEntry[] old = new FileEntry[1];
    FileEntry now = files.compute(file, (k, cur) -> {
      if (cur != null && cur.version.equals(version)) {
        return cur;
      }
      old[0] = cur;
      return new FileEntry(file, version);
    });
    if (old[0] != null) {
      dropPages(old[0]);
    }
    return now;
  }

  private void dropPages(FileEntry e) {
    List<PageKey> keys = new ArrayList<>();
    for (Long i : e.pages) {
      keys.add(new PageKey(e.file, e.version, i));
    }
    pages.synchronous().invalidateAll(keys);
  }

  /**
   * Reads {@code len} bytes at {@code pos} of {@code file} (at {@code version}) through the cache,
   * as one {@link ByteString} (slices of cached pages, not copied where the store allows).
   * Bytes beyond the end of the version's length are not returned.
   *
   * @param noCache serve cached pages but do not add missing ones (read them directly)
   * @throws IOException the under-store read failed
   */
  public ByteString read(String file, FileVersion version, long pos, int len, PageSource source, boolean noCache)
      throws IOException {
    long end = Math.min(pos + len, version.length());
    if (pos >= end) {
      return ByteString.EMPTY;
    }
    FileEntry entry = entry(file, version);
    ByteString out = ByteString.EMPTY;
    long p = pos;
    while (p < end) {
      long index = p / pageSize;
      int off = (int) (p - index * pageSize);
      int n = (int) Math.min(end - p, (long) pageSize - off);
      out = out.concat(readPage(entry, index, off, n, source, noCache));
      p += n;
    }
    bytesServed.add(end - pos);
    return out;
  }

  private ByteString readPage(FileEntry entry, long index, int off, int n, PageSource source, boolean noCache)
      throws IOException {
    CachedPage page = fetch(entry, index, source, noCache);
    if (page == null) {
      byte[] buf = new byte[n];
      int got = readFromUfs(source, index * pageSize + off, buf, n);
      return UnsafeByteOperations.unsafeWrap(buf, 0, got);
    }
    if (off + n > page.length) {
      n = Math.max(0, page.length - off);
    }
    try {
      return page.slice(off, n);
    } catch (IOException e) {
      // The page was dropped (its file deleted) between lookup and read: read around the cache.
      byte[] buf = new byte[n];
      int got = readFromUfs(source, index * pageSize + off, buf, n);
      return UnsafeByteOperations.unsafeWrap(buf, 0, got);
    }
  }

  /** The cached page, loading it if missing; {@code null} if missing and {@code noCache}. */
  private CachedPage fetch(FileEntry entry, long index, PageSource source, boolean noCache) throws IOException {
    PageKey key = new PageKey(entry.file, entry.version, index);
    CompletableFuture<CachedPage> f = pages.getIfPresent(key);
    if (f == null && noCache) {
      return null;
    }
    if (f == null) {
      CompletableFuture<CachedPage> mine = new CompletableFuture<>();
      f = pages.asMap().putIfAbsent(key, mine);
      if (f == null) {
        misses.increment();
        try {
          byte[][] loaded = new byte[1][];
          CachedPage page = load(entry, index, source, loaded);
          mine.complete(page);
          // The loader reads from the bytes it just loaded, not back from the store.
          return MemoryPageStore.view(entry, index, loaded[0], page.length);
        } catch (IOException | RuntimeException e) {
          mine.completeExceptionally(e);
          throw e;
        }
      }
    }
    hits.increment();
    return await(f);
  }

  private CachedPage load(FileEntry entry, long index, PageSource source, byte[][] loaded) throws IOException {
    long start = index * pageSize;
    int len = (int) Math.min(pageSize, entry.version.length() - start);
    byte[] buf = new byte[len];
    int got = readFromUfs(source, start, buf, len);
    if (got < len) {
      throw new IOException("under-store file " + entry.file + " is shorter than its status says ("
          + (start + got) + " < " + entry.version.length() + "): it changed while being read");
    }
    CachedPage page = store.store(entry, index, buf, len);
    entry.added(index, len);
    loaded[0] = buf;
    return page;
  }

  private int readFromUfs(PageSource source, long pos, byte[] buf, int len) throws IOException {
    ufsReads.increment();
    int total = 0;
    while (total < len) {
      int r = source.read(pos + total, buf, total, len - total);
      if (r <= 0) {
        break;
      }
      total += r;
    }
    ufsBytesRead.add(total);
    return total;
  }

  private static CachedPage await(CompletableFuture<CachedPage> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a page load");
    } catch (ExecutionException | CancellationException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      if (c instanceof IOException) {
        throw new IOException(c.getMessage(), c);
      }
      throw new IOException("page load failed: " + c, c);
    }
  }

  /**
   * Loads every page overlapping {@code [pos, pos + len)} of the file into the cache (LoadFile).
   *
   * @return the number of bytes that were cached already (skipped)
   */
  public long load(String file, FileVersion version, long pos, long len, PageSource source) throws IOException {
    long end = Math.min(pos + len, version.length());
    if (pos >= end) {
      return 0;
    }
    FileEntry entry = entry(file, version);
    long skipped = 0;
    for (long index = pos / pageSize; index * pageSize < end; index++) {
      PageKey key = new PageKey(entry.file, entry.version, index);
      CompletableFuture<CachedPage> f = pages.getIfPresent(key);
      if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
        skipped += f.join().length;
        continue;
      }
      fetch(entry, index, source, false);
    }
    return skipped;
  }

  /** Whether every page of {@code [pos, pos + len)} is cached for this version. */
  public boolean isCached(String file, FileVersion version, long pos, long len) {
    FileEntry e = files.get(file);
    if (e == null || !e.version.equals(version)) {
      return false;
    }
    long end = Math.min(pos + len, version.length());
    for (long index = pos / pageSize; index * pageSize < end; index++) {
      if (!e.pages.contains(index)) {
        return false;
      }
    }
    return true;
  }

  /** Bytes of {@code file} cached for {@code version} (0 if the cached version is another). */
  public long cachedBytes(String file, FileVersion version) {
    FileEntry e = files.get(file);
    return e == null || !e.version.equals(version) ? 0 : e.bytes.get();
  }

  /**
   * Percentage (0-100) of {@code file} at {@code version} (its current version: the caller just
   * read it from the under-store) that is cached; 100 for empty files. Pages of any other
   * version are dropped now.
   */
  public int cachedPercentage(String file, FileVersion version) {
    FileEntry e = files.get(file);
    if (e != null && !e.version.equals(version)) {
      if (files.remove(file, e)) {
        dropPages(e);
      }
      e = null;
    }
    if (version.length() <= 0) {
      return 100;
    }
    long bytes = e == null ? 0 : e.bytes.get();
    return (int) Math.min(100, bytes * 100 / version.length());
  }

  /** Drops every cached page of {@code file}. */
  public void invalidate(String file) {
    FileEntry e = files.remove(file);
    if (e != null) {
      dropPages(e);
    }
  }

  /** Drops every cached page of {@code prefix} and of the files below it (a directory). */
  public void invalidateTree(String prefix) {
    invalidate(prefix);
    String dir = prefix.endsWith("/") ? prefix : prefix + "/";
    for (String f : files.keySet()) {
      if (f.startsWith(dir)) {
        invalidate(f);
      }
    }
  }

  /** Runs pending eviction work now (tests). */
  public void cleanUp() {
    pages.synchronous().cleanUp();
  }

  public CacheStats stats() {
    long bytes = 0;
    long count = 0;
    for (FileEntry e : files.values()) {
      bytes += e.bytes.get();
      count += e.pages.size();
    }
    return new CacheStats(hits.sum(), misses.sum(), evictions.sum(), invalidations.sum(), ufsReads.sum(),
        ufsBytesRead.sum(), bytesServed.sum(), bytes, count);
  }

  /** Drops every page and releases the store. */
  @Override
  public void close() {
    pages.synchronous().invalidateAll();
    files.clear();
    store.close();
  }
}
