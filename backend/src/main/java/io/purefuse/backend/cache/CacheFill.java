package io.purefuse.backend.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One file being filled into the cache: a temporary file ({@code <key>.part-N}) written at the
 * offsets readers received from workers, and the ranges written so far. Every open stream of the
 * same file version shares it (reference counted by {@link ClientCache}): ranges already written
 * are read back locally, the rest comes from workers and is written here. When the ranges cover
 * the whole length the cache commits it (length checked, renamed to {@code <key>}); when the last
 * stream closes before that, the temporary file is deleted. A crash leaves only the temporary
 * name, which the next start deletes.
 *
 * <p>Thread safe. A failed write (disk full) abandons the fill: readers keep reading from
 * workers, nothing is committed.
 */
public final class CacheFill {
  enum State { FILLING, COMMITTING, COMMITTED, ABANDONED }

  private final CacheIdentity identity;
  private final String key;
  private final CacheDir dir;
  private final Path temp;
  private final FileChannel channel;
  private final CoveredRanges ranges = new CoveredRanges();
  /** Guarded by this. */
  private State state = State.FILLING;
  /** Guarded by the cache. */
  int refs;
  /** Set by an invalidation of the path while filling (guarded by the cache): never commit. */
  boolean poisoned;

  CacheFill(CacheIdentity identity, String key, CacheDir dir, Path temp, FileChannel channel) {
    this.identity = identity;
    this.key = key;
    this.dir = dir;
    this.temp = temp;
    this.channel = channel;
  }

  public CacheIdentity identity() {
    return identity;
  }

  String key() {
    return key;
  }

  CacheDir dir() {
    return dir;
  }

  Path temp() {
    return temp;
  }

  FileChannel channel() {
    return channel;
  }

  /** Whether {@code [offset, offset + n)} is written and can be read back with {@link #readBack}. */
  boolean covers(long offset, long n) {
    synchronized (this) {
      return state != State.ABANDONED && ranges.covers(offset, offset + n);
    }
  }

  /**
   * Reads {@code [offset, offset + dst.remaining())} (covered) into {@code dst}.
   *
   * @return bytes read, or -1 if the file could not be read (the caller reads from workers)
   */
  int readBack(long offset, ByteBuffer dst) {
    int start = dst.position();
    try {
      while (dst.hasRemaining()) {
        int n = channel.read(dst, offset + (dst.position() - start));
        if (n < 0) {
          break;
        }
      }
      return dst.position() - start;
    } catch (IOException e) {
      abandon();
      dst.position(start);
      return -1;
    }
  }

  /**
   * Writes {@code dst[from, from + n)} at {@code offset} and records the range. {@code dst}'s
   * position and limit are restored (no copy, no allocation).
   *
   * @return true if this write completed the file (the caller commits it)
   */
  boolean record(long offset, ByteBuffer dst, int from, int n) {
    synchronized (this) {
      if (state != State.FILLING || ranges.covers(offset, offset + n)) {
        return false;
      }
    }
    int pos = dst.position();
    int lim = dst.limit();
    try {
      dst.limit(from + n).position(from);
      long at = offset;
      while (dst.hasRemaining()) {
        at += channel.write(dst, at);
      }
    } catch (IOException e) {
      abandon();
      return false;
    } finally {
      dst.limit(lim).position(pos);
    }
    synchronized (this) {
      if (state != State.FILLING) {
        return false;
      }
      ranges.add(offset, offset + n);
      if (ranges.coversAll(identity.length())) {
        state = State.COMMITTING;
        return true;
      }
      return false;
    }
  }

  /** Stops the fill: nothing more is written or committed. */
  void abandon() {
    synchronized (this) {
      if (state != State.COMMITTED) {
        state = State.ABANDONED;
      }
    }
  }

  synchronized void committed() {
    state = State.COMMITTED;
  }

  synchronized State state() {
    return state;
  }

  @Override
  public synchronized String toString() {
    return "fill of " + identity.ufsPath() + " " + state + " " + ranges + " of " + identity.length();
  }
}
