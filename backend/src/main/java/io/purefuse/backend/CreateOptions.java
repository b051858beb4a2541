package io.purefuse.backend;

/**
 * Options of {@link FileSystemBackend#createFile}, {@link FileSystemBackend#createDirectory} and
 * {@link FileSystemBackend#createSymlink}. Immutable; build with {@link #builder()}.
 *
 * <p>Ownership may be given as names (what Alluxio stores), as numeric ids (what the kernel
 * sends), or both; a backend uses what it understands (local: ids first, then names). Setting
 * the owner on create is best effort: a backend that is not allowed to change ownership creates
 * the entry owned by its own identity and does not fail. {@link #mode()} is applied exactly (the
 * backend does not apply its process umask; the VFS applies the caller's umask beforehand).
 */
public final class CreateOptions {
  /** Marker for "not set" in {@link #uid()} / {@link #gid()}. */
  public static final long UNSET = -1;

  private static final CreateOptions DEFAULTS = builder().build();

  private final int mode;
  private final boolean modeSet;
  private final String owner;
  private final String group;
  private final long uid;
  private final long gid;
  private final boolean overwrite;
  private final boolean recursive;

  private CreateOptions(Builder b) {
    mode = b.mode;
    modeSet = b.modeSet;
    owner = b.owner;
    group = b.group;
    uid = b.uid;
    gid = b.gid;
    overwrite = b.overwrite;
    recursive = b.recursive;
  }

  /** Mode 0644 for files / 0755 for directories, no ownership, no overwrite, not recursive. */
  public static CreateOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The permission bits ({@code 07777}) if {@link #isModeSet()}, else 0. */
  public int mode() {
    return mode;
  }

  /** False: the backend picks 0644 (files) or 0755 (directories). */
  public boolean isModeSet() {
    return modeSet;
  }

  /** Mode to apply to a new file. */
  public int fileMode() {
    return modeSet ? mode : 0644;
  }

  /** Mode to apply to a new directory. */
  public int directoryMode() {
    return modeSet ? mode : 0755;
  }

  public String owner() {
    return owner;
  }

  public String group() {
    return group;
  }

  public long uid() {
    return uid;
  }

  public long gid() {
    return gid;
  }

  /** Files only: replace (truncate) an existing regular file instead of failing with EEXIST. */
  public boolean overwrite() {
    return overwrite;
  }

  /** Directories only: create missing parents too (like {@code mkdir -p}, no EEXIST). */
  public boolean recursive() {
    return recursive;
  }

  /** Builder; not thread safe. */
  public static final class Builder {
    private int mode;
    private boolean modeSet;
    private String owner;
    private String group;
    private long uid = UNSET;
    private long gid = UNSET;
    private boolean overwrite;
    private boolean recursive;

    private Builder() {}

    public Builder mode(int v) {
      mode = v & 07777;
      modeSet = true;
      return this;
    }

    public Builder owner(String v) {
      owner = v;
      return this;
    }

    public Builder group(String v) {
      group = v;
      return this;
    }

    public Builder uid(long v) {
      uid = v;
      return this;
    }

    public Builder gid(long v) {
      gid = v;
      return this;
    }

    public Builder overwrite(boolean v) {
      overwrite = v;
      return this;
    }

    public Builder recursive(boolean v) {
      recursive = v;
      return this;
    }

    public CreateOptions build() {
      return new CreateOptions(this);
    }
  }
}
