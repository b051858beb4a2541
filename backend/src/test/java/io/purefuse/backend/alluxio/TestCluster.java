package io.purefuse.backend.alluxio;

import io.purefuse.backend.membership.Membership;
import io.purefuse.backend.membership.WorkerInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Recording workers over one UFS directory plus a client backend routed over them; closes
 * everything. The membership can be changed by the test.
 */
final class TestCluster implements AutoCloseable {
  final Path ufs;
  final List<RecordingWorker> workers = new ArrayList<>();
  final MutableMembership membership = new MutableMembership();
  AlluxioWorkerBackend backend;

  TestCluster(Path ufs) {
    this.ufs = ufs;
  }

  RecordingWorker addWorker(boolean requireLogin, boolean writeBlock, int listBatch) throws Exception {
    RecordingWorker w = new RecordingWorker(ufs, requireLogin, writeBlock, listBatch);
    workers.add(w);
    return w;
  }

  AlluxioWorkerBackend open(AlluxioClientConfig.Builder config) {
    List<WorkerInfo> live = new ArrayList<>();
    for (RecordingWorker w : workers) {
      live.add(w.info());
    }
    membership.live = List.copyOf(live);
    backend = AlluxioWorkerBackend.open(config.build(), membership);
    return backend;
  }

  AlluxioClientConfig.Builder config() {
    return AlluxioClientConfig.builder(ufs.toString()).user("alice");
  }

  @Override
  public void close() throws Exception {
    if (backend != null) {
      backend.close();
    }
    for (RecordingWorker w : workers) {
      w.close();
    }
  }

  /** A membership the test changes by hand. */
  static final class MutableMembership implements Membership {
    volatile List<WorkerInfo> live = List.of();
    final List<Consumer<List<WorkerInfo>>> listeners = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    @Override
    public List<WorkerInfo> liveWorkers() {
      return live;
    }

    @Override
    public void addListener(Consumer<List<WorkerInfo>> listener) {
      listeners.add(listener);
    }

    void set(List<WorkerInfo> now) {
      live = List.copyOf(now);
      listeners.forEach(l -> l.accept(live));
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
