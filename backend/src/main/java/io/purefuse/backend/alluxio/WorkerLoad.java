package io.purefuse.backend.alluxio;

import alluxio.grpc.FileInfo;
import alluxio.grpc.LoadDataSubTask;
import alluxio.grpc.LoadFailure;
import alluxio.grpc.LoadFileRequest;
import alluxio.grpc.LoadFileResponse;
import alluxio.grpc.LoadMetadataSubTask;
import alluxio.grpc.LoadSubTask;
import alluxio.grpc.TaskStatus;
import alluxio.grpc.UfsFileStatus;
import alluxio.grpc.UfsReadOptions;
import alluxio.grpc.UfsStatus;
import io.grpc.Status;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import java.util.UUID;

/**
 * Loads one file into the cache of the worker that owns it: {@code LoadFile} calls of one
 * {@value #PIECE}-byte piece each ({@code LoadDataSubTask{length, ufs_path, offset_in_file,
 * ufs_status}}, the first call also with a {@code LoadMetadataSubTask}), {@code skip_if_exists}
 * so cached pieces are not read again.
 */
final class WorkerLoad {
  /** Size of one {@code LoadFile} call (Alluxio's default virtual block). */
  static final long PIECE = 64L << 20;

  private WorkerLoad() {}

  static LoadResult load(WorkerRouting routing, AlluxioClientConfig config, AlluxioPath path, String ufs,
      FileInfo info, LoadProgress progress) throws BackendException {
    long length = Math.max(0, info.getLength());
    UfsStatus ufsStatus = UfsStatus.newBuilder()
        .setName(path.name())
        .setIsDirectory(false)
        .setLastModifiedTimeMs(info.getLastModificationTimeMs())
        .setOwner(info.getOwner())
        .setGroup(info.getGroup())
        .setMode(info.getMode())
        .setUfsFullPath(ufs)
        .setUfsFileStatus(UfsFileStatus.newBuilder()
            .setContentLength(length)
            .setContentHash(info.getContentHash())
            .setBlockSize(PIECE))
        .build();
    UfsReadOptions read = UfsReadOptions.newBuilder()
        .setTag(UUID.randomUUID().toString())
        .setPositionShort(false)
        .setUser(config.user())
        .build();
    long skipped = 0;
    long offset = 0;
    boolean first = true;
    do {
      long n = Math.min(PIECE, length - offset);
      LoadFileRequest.Builder req = LoadFileRequest.newBuilder().setOptions(read).setSkipIfExists(true);
      if (first) {
        req.addSubtasks(LoadSubTask.newBuilder()
            .setLoadMetadataSubtask(LoadMetadataSubTask.newBuilder().setUfsStatus(ufsStatus)));
      }
      if (n > 0) {
        req.addSubtasks(LoadSubTask.newBuilder().setLoadDataSubtask(LoadDataSubTask.newBuilder()
            .setLength(n).setUfsPath(ufs).setOffsetInFile(offset).setUfsStatus(ufsStatus)));
      }
      LoadFileRequest r = req.build();
      LoadFileResponse resp = routing.invoke(ufs, path.toString(), true,
          ch -> ch.blocking(config.loadTimeout()).loadFile(r));
      if (resp.getStatus() != TaskStatus.SUCCESS) {
        LoadFailure f = resp.getFailuresCount() > 0 ? resp.getFailures(0) : null;
        Status s = f == null ? Status.UNKNOWN.withDescription("load " + resp.getStatus())
            : Status.fromCodeValue(f.getCode()).withDescription(f.getMessage());
        throw GrpcErrors.map(s, path.toString());
      }
      skipped += resp.getBytesSkipped();
      offset += n;
      first = false;
      progress.progress(offset, length);
    } while (offset < length);
    return new LoadResult(length - skipped, skipped, length);
  }
}
