package io.purefuse.backend;

/**
 * Where a {@link FileSystemBackend#listStatus directory listing} starts. Immutable.
 *
 * <p>A listing enumerates entries in the store's own order (local: {@code readdir} order;
 * Alluxio/S3: usually by name), which is stable while the directory is not modified. Positions
 * count entries of that order from 0 and are exposed by {@link DirectoryListing#position()}, so
 * a reader (the VFS answering READDIR at an arbitrary offset) can resume a listing with the pair
 * (position, name of the last entry it returned):
 *
 * <ul>
 *   <li>neither set: from the first entry;
 *   <li>only {@link #offset()}: skip that many entries;
 *   <li>only {@link #startAfter()}: resume after the entry with that name, or from the first
 *       entry if the name is no longer listed;
 *   <li>both: skip {@code offset} entries; if the last skipped entry is not {@code startAfter}
 *       (the directory changed), resume after the entry named {@code startAfter} wherever it now
 *       is, or at {@code offset} if it is gone.
 * </ul>
 * Entries created or removed while a listing is open may or may not be returned (as POSIX allows
 * for readdir); an unchanged entry is never returned twice by one listing.
 */
public final class ListOptions {
  private static final ListOptions DEFAULTS = new ListOptions(0, null);

  private final long offset;
  private final String startAfter;

  private ListOptions(long offset, String startAfter) {
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    this.offset = offset;
    this.startAfter = startAfter;
  }

  /** From the first entry. */
  public static ListOptions defaults() {
    return DEFAULTS;
  }

  /** Skip {@code offset} entries of the store order. */
  public static ListOptions fromOffset(long offset) {
    return new ListOptions(offset, null);
  }

  /** Resume after the entry named {@code name}. */
  public static ListOptions startAfter(String name) {
    return new ListOptions(0, name);
  }

  /** Resume at {@code offset}, verified / repaired with the name of the entry before it. */
  public static ListOptions resume(long offset, String lastName) {
    return new ListOptions(offset, lastName);
  }

  public long offset() {
    return offset;
  }

  /** Name of the last entry already seen, or {@code null}. */
  public String startAfter() {
    return startAfter;
  }
}
