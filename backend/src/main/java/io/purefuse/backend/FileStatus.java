package io.purefuse.backend;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Immutable metadata of one namespace entry, shaped after Alluxio's {@code FileInfo}.
 *
 * <p>Unknown values: {@link #UNKNOWN} ({@code -1}) for {@link #uid()}, {@link #gid()},
 * {@link #nlink()}, {@link #fileId()}, {@link #rdev()}; {@code null} for {@link #owner()},
 * {@link #group()}, {@link #symlinkTarget()} (non symlinks), {@link #ufsPath()}. Times are always
 * present: the builder fills a missing access, change or creation time with the modification
 * time. Times are kept in nanoseconds since the epoch; stores with millisecond precision
 * (Alluxio) simply have zero sub-millisecond digits.
 */
public final class FileStatus {
  /** Marker for an unknown numeric attribute. */
  public static final long UNKNOWN = -1;

  private final AlluxioPath path;
  private final FileType type;
  private final String symlinkTarget;
  private final long length;
  private final int mode;
  private final String owner;
  private final String group;
  private final long uid;
  private final long gid;
  private final long mtimeNs;
  private final long atimeNs;
  private final long ctimeNs;
  private final long crtimeNs;
  private final long nlink;
  private final long fileId;
  private final long rdev;
  private final String ufsPath;
  private final boolean completed;
  private final long blocks;

  private FileStatus(Builder b) {
    this.path = Objects.requireNonNull(b.path, "path");
    this.type = Objects.requireNonNull(b.type, "type");
    this.symlinkTarget = b.symlinkTarget;
    this.length = b.length;
    this.mode = b.mode & 07777;
    this.owner = b.owner;
    this.group = b.group;
    this.uid = b.uid;
    this.gid = b.gid;
    this.mtimeNs = b.mtimeNs;
    this.atimeNs = b.atimeNs == null ? b.mtimeNs : b.atimeNs;
    this.ctimeNs = b.ctimeNs == null ? b.mtimeNs : b.ctimeNs;
    this.crtimeNs = b.crtimeNs == null ? b.mtimeNs : b.crtimeNs;
    this.nlink = b.nlink;
    this.fileId = b.fileId;
    this.rdev = b.rdev;
    this.ufsPath = b.ufsPath;
    this.completed = b.completed;
    this.blocks = b.blocks;
  }

  public static Builder builder(AlluxioPath path, FileType type) {
    return new Builder(path, type);
  }

  /** A builder pre-filled with this status' values. */
  public Builder toBuilder() {
    Builder b = new Builder(path, type);
    b.symlinkTarget = symlinkTarget;
    b.length = length;
    b.mode = mode;
    b.owner = owner;
    b.group = group;
    b.uid = uid;
    b.gid = gid;
    b.mtimeNs = mtimeNs;
    b.atimeNs = atimeNs;
    b.ctimeNs = ctimeNs;
    b.crtimeNs = crtimeNs;
    b.nlink = nlink;
    b.fileId = fileId;
    b.rdev = rdev;
    b.ufsPath = ufsPath;
    b.completed = completed;
    b.blocks = blocks;
    return b;
  }

  /** Namespace path of the entry. */
  public AlluxioPath path() {
    return path;
  }

  /** Last path component ({@code ""} for the root). */
  public String name() {
    return path.name();
  }

  public FileType type() {
    return type;
  }

  public boolean isDirectory() {
    return type == FileType.DIRECTORY;
  }

  public boolean isSymlink() {
    return type == FileType.SYMLINK;
  }

  public boolean isRegularFile() {
    return type == FileType.REGULAR;
  }

  /** Target of a symlink as stored (not resolved), {@code null} for other types. */
  public String symlinkTarget() {
    return symlinkTarget;
  }

  /** Length in bytes (for a symlink the target's byte length, for a directory store specific). */
  public long length() {
    return length;
  }

  /** Permission bits only ({@code 07777}, including setuid/setgid/sticky); no type bits. */
  public int mode() {
    return mode;
  }

  /** {@code type().modeBits() | mode()}: a ready {@code st_mode}. */
  public int stMode() {
    return type.modeBits() | mode;
  }

  /** Owner user name, or {@code null} if unknown. */
  public String owner() {
    return owner;
  }

  /** Owner group name, or {@code null} if unknown. */
  public String group() {
    return group;
  }

  /** Numeric owner, or {@link #UNKNOWN} (remote stores only know names). */
  public long uid() {
    return uid;
  }

  /** Numeric group, or {@link #UNKNOWN}. */
  public long gid() {
    return gid;
  }

  public long lastModificationTimeMs() {
    return Math.floorDiv(mtimeNs, 1_000_000L);
  }

  /** Modification time, nanoseconds since the epoch. */
  public long lastModificationTimeNs() {
    return mtimeNs;
  }

  public long lastAccessTimeMs() {
    return Math.floorDiv(atimeNs, 1_000_000L);
  }

  /** Access time in ns since the epoch (the modification time if the store has none). */
  public long lastAccessTimeNs() {
    return atimeNs;
  }

  /** Status change time (ctime) in ns since the epoch (the modification time if unknown). */
  public long changeTimeNs() {
    return ctimeNs;
  }

  public long creationTimeMs() {
    return Math.floorDiv(crtimeNs, 1_000_000L);
  }

  /** Creation (birth) time in ns since the epoch (the modification time if unknown). */
  public long creationTimeNs() {
    return crtimeNs;
  }

  /** Hard link count, or {@link #UNKNOWN}. */
  public long nlink() {
    return nlink;
  }

  /**
   * A stable identity hint (local: {@code st_ino}; Alluxio: the file id), or {@link #UNKNOWN}.
   * Only a hint: the VFS may use it to keep inode numbers stable, never for correctness.
   */
  public long fileId() {
    return fileId;
  }

  /** Device number of a character/block device, or {@link #UNKNOWN}. */
  public long rdev() {
    return rdev;
  }

  /**
   * Storage the store really allocated for the entry, in 512-byte units ({@code st_blocks}), or
   * {@link #UNKNOWN} when the store does not say (the VFS then derives it from the length). A
   * sparse local file reports fewer blocks than its length needs.
   */
  public long blocks() {
    return blocks;
  }

  /** Where the entry lives in the under store (local absolute path, UFS URI), or {@code null}. */
  public String ufsPath() {
    return ufsPath;
  }

  /**
   * False while a {@link FileOutStream} of this backend is still writing the file (its length
   * may still grow); true otherwise. Directories are always complete.
   */
  public boolean isCompleted() {
    return completed;
  }

  @Override
  public String toString() {
    return "FileStatus{" + path + " " + type + " len=" + length + " mode=0" + Integer.toOctalString(mode)
        + " owner=" + owner + "(" + uid + ") group=" + group + "(" + gid + ") mtimeNs=" + mtimeNs
        + " nlink=" + nlink + " id=" + fileId + (symlinkTarget == null ? "" : " -> " + symlinkTarget)
        + (completed ? "" : " INCOMPLETE") + "}";
  }

  /** Builder; only path and type are required. Not thread safe. */
  public static final class Builder {
    private final AlluxioPath path;
    private final FileType type;
    private String symlinkTarget;
    private long length;
    private int mode;
    private String owner;
    private String group;
    private long uid = UNKNOWN;
    private long gid = UNKNOWN;
    private long mtimeNs;
    private Long atimeNs;
    private Long ctimeNs;
    private Long crtimeNs;
    private long nlink = UNKNOWN;
    private long fileId = UNKNOWN;
    private long rdev = UNKNOWN;
    private String ufsPath;
    private boolean completed = true;
    private long blocks = UNKNOWN;

    private Builder(AlluxioPath path, FileType type) {
      this.path = path;
      this.type = type;
    }

    public Builder symlinkTarget(String v) {
      symlinkTarget = v;
      return this;
    }

    public Builder length(long v) {
      length = v;
      return this;
    }

    /** Permission bits; type bits, if any, are dropped. */
    public Builder mode(int v) {
      mode = v & 07777;
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

    public Builder lastModificationTimeNs(long v) {
      mtimeNs = v;
      return this;
    }

    public Builder lastModificationTimeMs(long v) {
      mtimeNs = TimeUnit.MILLISECONDS.toNanos(v);
      return this;
    }

    public Builder lastAccessTimeNs(long v) {
      atimeNs = v;
      return this;
    }

    public Builder lastAccessTimeMs(long v) {
      atimeNs = TimeUnit.MILLISECONDS.toNanos(v);
      return this;
    }

    public Builder changeTimeNs(long v) {
      ctimeNs = v;
      return this;
    }

    public Builder creationTimeNs(long v) {
      crtimeNs = v;
      return this;
    }

    public Builder creationTimeMs(long v) {
      crtimeNs = TimeUnit.MILLISECONDS.toNanos(v);
      return this;
    }

    public Builder nlink(long v) {
      nlink = v;
      return this;
    }

    public Builder fileId(long v) {
      fileId = v;
      return this;
    }

    public Builder rdev(long v) {
      rdev = v;
      return this;
    }

    public Builder ufsPath(String v) {
      ufsPath = v;
      return this;
    }

    /** Allocated 512-byte blocks ({@code st_blocks}); {@link #UNKNOWN} if the store does not know. */
    public Builder blocks(long v) {
      blocks = v;
      return this;
    }

    public Builder completed(boolean v) {
      completed = v;
      return this;
    }

    public FileStatus build() {
      return new FileStatus(this);
    }
  }
}
