package io.purefuse.worker.cache;

/**
 * Counters of a {@link PageCache} at one moment.
 *
 * @param hits page lookups served from the cache (including waits on another reader's load)
 * @param misses pages loaded from the under-store into the cache
 * @param evictions pages dropped to stay within capacity
 * @param invalidations pages dropped because their file changed, was written or removed
 * @param ufsReads under-store reads (page loads and uncached reads)
 * @param ufsBytesRead bytes read from the under-store
 * @param bytesServed bytes handed to readers
 * @param cachedBytes bytes held now
 * @param cachedPages pages held now
 */
public record CacheStats(long hits, long misses, long evictions, long invalidations, long ufsReads,
    long ufsBytesRead, long bytesServed, long cachedBytes, long cachedPages) {
  @Override
  public String toString() {
    return "hits=" + hits + " misses=" + misses + " evictions=" + evictions + " invalidations=" + invalidations
        + " ufsReads=" + ufsReads + " ufsBytesRead=" + ufsBytesRead + " bytesServed=" + bytesServed
        + " cachedBytes=" + cachedBytes + " cachedPages=" + cachedPages;
  }
}
