package io.purefuse.backend;

/**
 * Kind of a namespace entry. Alluxio itself only knows files, directories and symlinks; a local
 * UFS may also hold special files, which are reported so the VFS can show (but not open) them.
 */
public enum FileType {
  REGULAR(0100000),
  DIRECTORY(0040000),
  SYMLINK(0120000),
  FIFO(0010000),
  SOCKET(0140000),
  CHAR_DEVICE(0020000),
  BLOCK_DEVICE(0060000);

  private final int modeBits;

  FileType(int modeBits) {
    this.modeBits = modeBits;
  }

  /** The {@code S_IFMT} bits of this type, to OR with the permission bits for {@code st_mode}. */
  public int modeBits() {
    return modeBits;
  }

  /** The type encoded in the {@code S_IFMT} bits of a full {@code st_mode}, or {@code null}. */
  public static FileType fromMode(int stMode) {
    int fmt = stMode & 0170000;
    for (FileType t : values()) {
      if (t.modeBits == fmt) {
        return t;
      }
    }
    return null;
  }
}
