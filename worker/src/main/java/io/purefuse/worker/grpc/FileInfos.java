package io.purefuse.worker.grpc;

import alluxio.grpc.Bits;
import alluxio.grpc.FileInfo;
import alluxio.grpc.PMode;
import io.purefuse.backend.FileStatus;

/** Builds Alluxio {@link FileInfo} answers from under-store statuses, as a 3.x worker fills them. */
final class FileInfos {
  /**
   * The block size reported for every file: Alluxio's default
   * ({@code alluxio.user.block.size.bytes.default}, 64 MiB), as a stock worker reports for a
   * local UFS. Reads name their range explicitly, so nothing here depends on it.
   */
  static final long BLOCK_SIZE = 64L << 20;

  private FileInfos() {}

  /**
   * @param ufsPath the entry's full UFS path (as the client spells the root)
   * @param cachedPercent share of the file in the page cache (0-100)
   * @param blockSize the block size to report
   */
  static FileInfo of(FileStatus st, String ufsPath, int cachedPercent, long blockSize) {
    FileInfo.Builder b = FileInfo.newBuilder()
        .setFileId(st.fileId() != FileStatus.UNKNOWN ? st.fileId() : ufsPath.hashCode())
        .setName(st.name())
        .setPath(st.path().toString())
        .setUfsPath(ufsPath)
        .setLength(st.length())
        .setBlockSizeBytes(blockSize)
        .setCreationTimeMs(st.creationTimeMs())
        .setLastModificationTimeMs(st.lastModificationTimeMs())
        .setLastAccessTimeMs(st.lastAccessTimeMs())
        .setCompleted(st.isCompleted())
        .setFolder(st.isDirectory())
        .setPersisted(true)
        .setCacheable(st.isRegularFile())
        .setMode(st.mode())
        .setUfsType("local")
        .setInAlluxioPercentage(st.isRegularFile() ? cachedPercent : 0)
        .setInMemoryPercentage(st.isRegularFile() ? cachedPercent : 0);
    if (st.owner() != null) {
      b.setOwner(st.owner());
    }
    if (st.group() != null) {
      b.setGroup(st.group());
    }
    return b.build();
  }

  /** Permission bits of an Alluxio {@link PMode} (no setuid/setgid/sticky: PMode has none). */
  static int mode(PMode m) {
    return (bits(m.getOwnerBits()) << 6) | (bits(m.getGroupBits()) << 3) | bits(m.getOtherBits());
  }

  private static int bits(Bits b) {
    // NONE = 1 ... ALL = 8: the enum number is the rwx value plus one.
    return Math.max(0, b.getNumber() - 1) & 7;
  }
}
