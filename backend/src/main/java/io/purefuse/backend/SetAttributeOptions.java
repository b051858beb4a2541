package io.purefuse.backend;

/**
 * What {@link FileSystemBackend#setAttributes} changes; every attribute is optional. Immutable.
 *
 * <p>Ownership: as in {@link CreateOptions}, names and/or numeric ids; unlike on create, a
 * refused ownership change fails the call. Times are nanoseconds since the epoch; the VFS
 * resolves {@code UTIME_NOW} to the current time before calling.
 */
public final class SetAttributeOptions {
  private final Integer mode;
  private final String owner;
  private final String group;
  private final Long uid;
  private final Long gid;
  private final Long atimeNs;
  private final Long mtimeNs;

  private SetAttributeOptions(Builder b) {
    mode = b.mode;
    owner = b.owner;
    group = b.group;
    uid = b.uid;
    gid = b.gid;
    atimeNs = b.atimeNs;
    mtimeNs = b.mtimeNs;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** New permission bits ({@code 07777}) or {@code null}. */
  public Integer mode() {
    return mode;
  }

  public String owner() {
    return owner;
  }

  public String group() {
    return group;
  }

  public Long uid() {
    return uid;
  }

  public Long gid() {
    return gid;
  }

  public Long atimeNs() {
    return atimeNs;
  }

  public Long mtimeNs() {
    return mtimeNs;
  }

  public boolean changesOwnership() {
    return owner != null || group != null || uid != null || gid != null;
  }

  public boolean changesTimes() {
    return atimeNs != null || mtimeNs != null;
  }

  public boolean isEmpty() {
    return mode == null && !changesOwnership() && !changesTimes();
  }

  /** Builder; not thread safe. */
  public static final class Builder {
    private Integer mode;
    private String owner;
    private String group;
    private Long uid;
    private Long gid;
    private Long atimeNs;
    private Long mtimeNs;

    private Builder() {}

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

    public Builder atimeNs(long v) {
      atimeNs = v;
      return this;
    }

    public Builder mtimeNs(long v) {
      mtimeNs = v;
      return this;
    }

    public SetAttributeOptions build() {
      return new SetAttributeOptions(this);
    }
  }
}
