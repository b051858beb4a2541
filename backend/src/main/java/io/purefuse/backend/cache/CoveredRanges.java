package io.purefuse.backend.cache;

import java.util.Arrays;

/**
 * The byte ranges of a file written so far, as sorted, disjoint, non-adjacent half-open
 * intervals. Reads arrive mostly in order, so the list stays at one or a few intervals and
 * {@link #add} allocates only when it grows past its capacity. Not thread safe.
 */
final class CoveredRanges {
  private long[] starts = new long[8];
  private long[] ends = new long[8];
  private int count;

  /** Adds {@code [start, end)}. */
  void add(long start, long end) {
    if (end <= start) {
      return;
    }
    // First interval that ends at or after start (may merge), by linear scan from the back:
    // in-order reads touch the last interval.
    int i = count;
    while (i > 0 && ends[i - 1] >= start) {
      i--;
    }
    int j = i;
    long s = start;
    long e = end;
    while (j < count && starts[j] <= e) {
      s = Math.min(s, starts[j]);
      e = Math.max(e, ends[j]);
      j++;
    }
    // Intervals i..j-1 merge into [s, e).
    int removed = j - i;
    if (removed == 0) {
      if (count == starts.length) {
        starts = Arrays.copyOf(starts, count * 2);
        ends = Arrays.copyOf(ends, count * 2);
      }
      System.arraycopy(starts, i, starts, i + 1, count - i);
      System.arraycopy(ends, i, ends, i + 1, count - i);
      count++;
    } else if (removed > 1) {
      System.arraycopy(starts, j, starts, i + 1, count - j);
      System.arraycopy(ends, j, ends, i + 1, count - j);
      count -= removed - 1;
    }
    starts[i] = s;
    ends[i] = e;
  }

  /** Whether {@code [start, end)} lies inside one covered interval. */
  boolean covers(long start, long end) {
    if (end <= start) {
      return true;
    }
    for (int i = count - 1; i >= 0; i--) {
      if (starts[i] <= start) {
        return ends[i] >= end;
      }
    }
    return false;
  }

  /** Whether {@code [0, length)} is covered. */
  boolean coversAll(long length) {
    return length == 0 || (count == 1 && starts[0] == 0 && ends[0] >= length);
  }

  int intervals() {
    return count;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < count; i++) {
      b.append('[').append(starts[i]).append(',').append(ends[i]).append(')');
    }
    return b.toString();
  }
}
