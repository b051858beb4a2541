package io.purefuse.backend.alluxio;

import alluxio.grpc.Bits;
import alluxio.grpc.FileInfo;
import alluxio.grpc.PMode;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileType;

/**
 * Converts Alluxio's {@code FileInfo} to the SPI's {@link FileStatus}, and permission bits to
 * Alluxio's {@code PMode}.
 *
 * <p>Kept: length, permission bits, owner and group (with numeric ids from this host's account
 * database when it knows the names), modification, access and creation times (milliseconds),
 * directory flag, completion, file id and {@code ufs_path}. Alluxio's {@code FileInfo} has no
 * symlink field, so every entry is a regular file or a directory.
 */
final class FileInfos {
  private FileInfos() {}

  static FileStatus toStatus(FileInfo info, AlluxioPath path, PosixAccounts accounts) {
    FileStatus.Builder b = FileStatus.builder(path, info.getFolder() ? FileType.DIRECTORY : FileType.REGULAR)
        .length(info.getFolder() ? 0 : Math.max(0, info.getLength()))
        .mode(info.getMode())
        .lastModificationTimeMs(info.getLastModificationTimeMs())
        .completed(info.getFolder() || !info.hasCompleted() || info.getCompleted());
    if (info.hasOwner() && !info.getOwner().isEmpty()) {
      b.owner(info.getOwner()).uid(accounts.uid(info.getOwner()));
    }
    if (info.hasGroup() && !info.getGroup().isEmpty()) {
      b.group(info.getGroup()).gid(accounts.gid(info.getGroup()));
    }
    if (info.hasLastAccessTimeMs() && info.getLastAccessTimeMs() > 0) {
      b.lastAccessTimeMs(info.getLastAccessTimeMs());
    }
    if (info.hasCreationTimeMs() && info.getCreationTimeMs() > 0) {
      b.creationTimeMs(info.getCreationTimeMs());
    }
    if (info.hasFileId()) {
      b.fileId(info.getFileId());
    }
    if (info.hasUfsPath() && !info.getUfsPath().isEmpty()) {
      b.ufsPath(info.getUfsPath());
    }
    return b.build();
  }

  /** The name of a listed entry: {@code name}, else the last component of its UFS path. */
  static String entryName(FileInfo info) {
    if (info.hasName() && !info.getName().isEmpty()) {
      return info.getName();
    }
    String p = info.hasUfsPath() && !info.getUfsPath().isEmpty() ? info.getUfsPath() : info.getPath();
    int end = p.length();
    while (end > 0 && p.charAt(end - 1) == '/') {
      end--;
    }
    return p.substring(p.lastIndexOf('/', end - 1) + 1, end);
  }

  /** Alluxio's mode triple for permission bits (setuid, setgid and sticky are not carried). */
  static PMode toPMode(int mode) {
    return PMode.newBuilder()
        .setOwnerBits(bits(mode >> 6))
        .setGroupBits(bits(mode >> 3))
        .setOtherBits(bits(mode))
        .build();
  }

  /** rwx 0..7 to Alluxio's {@code Bits} (NONE = 1 ... ALL = 8). */
  static Bits bits(int rwx) {
    return Bits.forNumber((rwx & 7) + 1);
  }
}
