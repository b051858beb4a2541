package io.purefuse.backend.membership;

import java.io.IOException;
import java.time.Duration;

/**
 * A worker's presence in etcd, as an Alluxio 3.x worker writes it: the permanent ring key
 * {@code /DHT/<cluster>/AUTHORIZED/worker-<uuid>} and the liveness key
 * {@code /ServiceDiscovery/<cluster>/worker-<uuid>} under a lease kept alive until
 * {@link #close()}, which revokes it (the worker leaves the live set at once).
 *
 * <p>PLACEHOLDER: the implementation lands with the etcd membership work.
 */
public final class EtcdWorkerRegistration implements AutoCloseable {
  private EtcdWorkerRegistration() {}

  /** Registers {@code worker} and keeps its lease alive. */
  public static EtcdWorkerRegistration register(EtcdConfig etcd, WorkerInfo worker, Duration leaseTtl)
      throws IOException {
    throw new UnsupportedOperationException("etcd registration is not implemented yet");
  }

  /** Revokes the lease (the liveness key goes) and closes the etcd client. Idempotent. */
  @Override
  public void close() {}
}
