package io.purefuse.backend.alluxio;

import io.purefuse.backend.membership.WorkerAddress;
import io.purefuse.backend.membership.WorkerInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link WorkerChannel} per worker address, created on first use and shared by all calls and
 * streams; channels of workers that left the membership are closed.
 */
final class WorkerChannels implements AutoCloseable {
  private final AlluxioClientConfig config;
  private final Map<WorkerAddress, WorkerChannel> channels = new ConcurrentHashMap<>();
  private volatile Set<WorkerAddress> live = Set.of();
  private volatile boolean closed;

  WorkerChannels(AlluxioClientConfig config) {
    this.config = config;
  }

  /**
   * The channel of {@code worker}, opened if needed.
   *
   * @throws io.grpc.StatusRuntimeException UNAVAILABLE if the worker left the membership (a
   *     stream that still names it then fails over) or the client is closed
   */
  WorkerChannel get(WorkerInfo worker) {
    if (closed) {
      throw io.grpc.Status.UNAVAILABLE.withDescription("client is closed").asRuntimeException();
    }
    if (!live.contains(worker.address())) {
      throw io.grpc.Status.UNAVAILABLE.withDescription("worker " + worker + " left the membership").asRuntimeException();
    }
    return channels.computeIfAbsent(worker.address(), a -> new WorkerChannel(worker, config));
  }

  /** Sets the live workers and closes the channels of every worker not among them. */
  void retainOnly(Collection<WorkerInfo> liveWorkers) {
    Set<WorkerAddress> keep = new HashSet<>();
    for (WorkerInfo w : liveWorkers) {
      keep.add(w.address());
    }
    live = Set.copyOf(keep);
    List<WorkerChannel> gone = new ArrayList<>();
    channels.entrySet().removeIf(e -> {
      if (keep.contains(e.getKey())) {
        return false;
      }
      gone.add(e.getValue());
      return true;
    });
    gone.forEach(WorkerChannel::close);
  }

  /** Addresses with an open channel (for tests and diagnostics). */
  Set<WorkerAddress> open() {
    return Set.copyOf(channels.keySet());
  }

  @Override
  public void close() {
    closed = true;
    List<WorkerChannel> all = new ArrayList<>(channels.values());
    channels.clear();
    all.forEach(WorkerChannel::close);
  }
}
