package io.purefuse.worker;

import io.purefuse.worker.auth.AuthType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Starts in-process workers on free loopback ports over a temp UFS directory. */
final class TestWorker {
  private TestWorker() {}

  static WorkerConfig config(Path ufs, Path cacheDir, long cacheBytes, int pageSize, AuthType auth) {
    return new WorkerConfig(ufs, "127.0.0.1", 0, cacheDir, cacheDir != null, cacheBytes, pageSize, List.of(),
        "DefaultAlluxioCluster", auth, Duration.ofMinutes(2), 4 << 20);
  }

  static AlluxioWorker start(Path ufs, Path cacheDir) throws Exception {
    return AlluxioWorker.start(config(ufs, cacheDir, 64 << 20, 1 << 20, AuthType.SIMPLE));
  }
}
