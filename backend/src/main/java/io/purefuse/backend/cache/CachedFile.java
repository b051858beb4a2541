package io.purefuse.backend.cache;

import java.nio.file.Path;

/**
 * A complete cache entry: the whole file as one local file, named by its identity's key.
 * Immutable; the local file may be evicted at any time (an open descriptor of it stays valid).
 */
public final class CachedFile {
  private final CacheIdentity identity;
  private final String key;
  private final CacheDir dir;

  CachedFile(CacheIdentity identity, String key, CacheDir dir) {
    this.identity = identity;
    this.key = key;
    this.dir = dir;
  }

  public CacheIdentity identity() {
    return identity;
  }

  public long length() {
    return identity.length();
  }

  /** The local file. */
  public Path file() {
    return dir.files().resolve(key);
  }

  String key() {
    return key;
  }

  CacheDir dir() {
    return dir;
  }

  @Override
  public String toString() {
    return identity.ufsPath() + " (" + identity.length() + " bytes) at " + file();
  }
}
