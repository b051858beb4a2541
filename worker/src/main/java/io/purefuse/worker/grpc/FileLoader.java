package io.purefuse.worker.grpc;

import alluxio.grpc.LoadDataSubTask;
import alluxio.grpc.LoadFailure;
import alluxio.grpc.LoadFileRequest;
import alluxio.grpc.LoadFileResponse;
import alluxio.grpc.LoadSubTask;
import alluxio.grpc.TaskStatus;
import io.grpc.Status;
import io.purefuse.backend.FileStatus;
import io.purefuse.worker.cache.FileVersion;
import io.purefuse.worker.ufs.UfsPath;

/**
 * LoadFile: warms the page cache with the ranges of its data subtasks. Metadata subtasks succeed
 * at once (this worker keeps no metadata cache). Each failed subtask is reported in
 * {@code failures}; the status is SUCCESS, PARTIAL_FAILURE or FAILURE accordingly. With
 * {@code skip_if_exists}, ranges already cached count as skipped.
 */
final class FileLoader {
  private final UfsFiles files;

  FileLoader(UfsFiles files) {
    this.files = files;
  }

  LoadFileResponse load(LoadFileRequest r) {
    LoadFileResponse.Builder out = LoadFileResponse.newBuilder();
    int failed = 0;
    int skipped = 0;
    long bytesSkipped = 0;
    for (LoadSubTask t : r.getSubtasksList()) {
      if (!t.hasLoadDataSubtask()) {
        continue;
      }
      LoadDataSubTask d = t.getLoadDataSubtask();
      try {
        UfsPath p = files.mapper.map(d.getUfsPath());
        FileStatus st = files.readableStatus(p);
        FileVersion v = FileVersion.of(st);
        long len = d.getLength() > 0 ? d.getLength() : st.length() - d.getOffsetInFile();
        if (r.getSkipIfExists() && files.cache.isCached(p.cacheKey(), v, d.getOffsetInFile(), len)) {
          skipped++;
          bytesSkipped += Math.max(0, Math.min(len, st.length() - d.getOffsetInFile()));
          continue;
        }
        try (UfsFiles.LazySource src = files.source(p)) {
          files.cache.load(p.cacheKey(), v, d.getOffsetInFile(), len, src);
        }
      } catch (Throwable e) {
        failed++;
        Status s = GrpcErrors.toStatus(e);
        out.addFailures(LoadFailure.newBuilder()
            .setSubtask(t)
            .setCode(s.getCode().value())
            .setMessage(String.valueOf(s.getDescription()))
            .setRetryable(s.getCode() == Status.Code.UNAVAILABLE || s.getCode() == Status.Code.INTERNAL));
      }
    }
    long dataTasks = r.getSubtasksList().stream().filter(LoadSubTask::hasLoadDataSubtask).count();
    TaskStatus status = failed == 0 ? TaskStatus.SUCCESS : failed == dataTasks ? TaskStatus.FAILURE : TaskStatus.PARTIAL_FAILURE;
    return out.setStatus(status).setNumSkipped(skipped).setBytesSkipped(bytesSkipped).build();
  }
}
