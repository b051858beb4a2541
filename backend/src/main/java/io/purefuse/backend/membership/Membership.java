package io.purefuse.backend.membership;

import java.util.List;
import java.util.function.Consumer;

/**
 * The set of live workers a client routes over. Implementations: a static list, or etcd
 * (Alluxio's {@code /ServiceDiscovery/<cluster>/} keys, watched). While the source of truth is
 * unreachable an implementation keeps answering with the last set it knew.
 */
public interface Membership extends AutoCloseable {
  /** The live workers now, in no particular order; never null, possibly empty. */
  List<WorkerInfo> liveWorkers();

  /**
   * Calls {@code listener} with the new live set whenever it changes (from an internal thread;
   * the listener must not block). Not called for the set current at registration.
   */
  void addListener(Consumer<List<WorkerInfo>> listener);

  /** Stops watching. Idempotent. */
  @Override
  void close();
}
