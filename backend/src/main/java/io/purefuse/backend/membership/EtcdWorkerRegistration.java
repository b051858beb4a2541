package io.purefuse.backend.membership;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's presence in etcd, as an Alluxio 3.x worker writes it: the permanent ring key
 * {@code /DHT/<cluster>/AUTHORIZED/worker-<uuid>} and the liveness key
 * {@code /ServiceDiscovery/<cluster>/worker-<uuid>} under a lease kept alive until
 * {@link #close()}, which revokes it (the worker leaves the live set at once). Both values are
 * {@link EtcdWorkerRecord}.
 *
 * <p>A background thread renews the lease every third of its TTL. While etcd is unreachable it
 * retries every second; when etcd answers again it renews the same lease if it is still alive,
 * else it grants a new lease and writes both keys again. It also puts the liveness key back if
 * it has gone while the lease lives. A worker restarted with the same identity simply overwrites its
 * keys (the old lease, when it expires, no longer owns the liveness key).
 */
public final class EtcdWorkerRegistration implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdWorkerRegistration.class);
  /** etcd rounds shorter TTLs up to its minimum (about 2 s with default timing). */
  private static final Duration MIN_TTL = Duration.ofSeconds(1);

  private final Client client;
  private final WorkerInfo worker;
  private final long ttlSeconds;
  private final ByteSequence ringKey;
  private final ByteSequence livenessKey;
  private final ByteSequence value;
  private final ScheduledExecutorService renewer;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The lease the liveness key is attached to; 0 while none is known to be alive. */
  private volatile long leaseId;
  private volatile boolean reportedUnreachable;

  private EtcdWorkerRegistration(Client client, EtcdKeys keys, WorkerInfo worker, long ttlSeconds) {
    this.client = client;
    this.worker = worker;
    this.ttlSeconds = ttlSeconds;
    this.ringKey = EtcdClients.bytes(keys.ringKey(worker.identity()));
    this.livenessKey = EtcdClients.bytes(keys.livenessKey(worker.identity()));
    this.value = ByteSequence.from(EtcdWorkerRecord.encode(worker));
    this.renewer = Executors.newSingleThreadScheduledExecutor(
        EtcdClients.daemonThreads("etcd-registration-" + worker.identity()));
  }

  /**
   * Registers {@code worker} (both keys, the liveness one under a new lease of {@code leaseTtl},
   * whole seconds, at least 1 s) and keeps its lease alive.
   *
   * @throws IOException when etcd does not accept the registration within a few seconds
   */
  public static EtcdWorkerRegistration register(EtcdConfig etcd, WorkerInfo worker, Duration leaseTtl)
      throws IOException {
    return register(etcd, worker, leaseTtl, DEFAULT_STARTUP);
  }

  /** How long {@link #register(EtcdConfig, WorkerInfo, Duration)} keeps trying a slow or absent etcd. */
  public static final Duration DEFAULT_STARTUP = Duration.ofSeconds(30);

  /**
   * Like {@link #register(EtcdConfig, WorkerInfo, Duration)}, trying again (once a second) until
   * {@code startup} has passed: a worker starting beside a busy or just-restarted etcd must not
   * give up on the first call that times out (seen on a loaded 2-core host).
   */
  public static EtcdWorkerRegistration register(EtcdConfig etcd, WorkerInfo worker, Duration leaseTtl,
      Duration startup) throws IOException {
    long deadline = System.nanoTime() + startup.toNanos();
    while (true) {
      try {
        return registerOnce(etcd, worker, leaseTtl);
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted() || System.nanoTime() - deadline >= 0) {
          throw e;
        }
        LOG.warn("{}; trying again", e.getMessage());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static EtcdWorkerRegistration registerOnce(EtcdConfig etcd, WorkerInfo worker, Duration leaseTtl)
      throws IOException {
    if (leaseTtl.compareTo(MIN_TTL) < 0) {
      throw new IllegalArgumentException("lease TTL must be at least 1 s: " + leaseTtl);
    }
    long ttlSeconds = Math.max(1, (leaseTtl.toMillis() + 999) / 1000);
    Client client = EtcdClients.build(etcd);
    EtcdWorkerRegistration r = new EtcdWorkerRegistration(client, new EtcdKeys(etcd.clusterName()), worker, ttlSeconds);
    try {
      r.writeKeysUnderNewLease();
    } catch (ExecutionException | TimeoutException e) {
      r.shutdown(false);
      throw new IOException("cannot register worker " + worker + " in etcd " + etcd.endpoints()
          + ": " + EtcdClients.describe(e), e);
    } catch (InterruptedException e) {
      r.shutdown(false);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted registering worker " + worker, e);
    }
    r.renewer.schedule(r::renewRound, r.renewPeriodMillis(), TimeUnit.MILLISECONDS);
    LOG.info("registered worker {} in etcd {} (lease {} s)", worker, etcd.endpoints(), ttlSeconds);
    return r;
  }

  public WorkerInfo worker() {
    return worker;
  }

  /** The lease of the liveness key (the previous one until a re-registration has succeeded). */
  public long leaseId() {
    return leaseId;
  }

  /** Revokes the lease (the liveness key goes) and closes the etcd client. Idempotent. */
  @Override
  public void close() {
    shutdown(true);
  }

  private void shutdown(boolean revoke) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    renewer.shutdownNow();
    try {
      renewer.awaitTermination(EtcdClients.CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long id = leaseId;
    if (revoke && id != 0) {
      try {
        EtcdClients.await(client.getLeaseClient().revoke(id));
        LOG.info("deregistered worker {} (lease {} revoked)", worker, Long.toHexString(id));
      } catch (ExecutionException | TimeoutException e) {
        // The lease then expires on its own after its TTL.
        LOG.warn("could not revoke lease of worker {}; it leaves the live set after {} s: {}",
            worker, ttlSeconds, EtcdClients.describe(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    leaseId = 0;
    client.close();
  }

  /** Puts both keys, the liveness one under a new lease; {@link #leaseId} changes only on success. */
  private void writeKeysUnderNewLease() throws ExecutionException, TimeoutException, InterruptedException {
    EtcdClients.await(client.getKVClient().put(ringKey, value));
    long id = EtcdClients.await(client.getLeaseClient().grant(ttlSeconds)).getID();
    EtcdClients.await(client.getKVClient().put(livenessKey, value, PutOption.builder().withLeaseId(id).build()));
    leaseId = id;
  }

  /** A third of the TTL, so two renewals may fail before the lease runs out. */
  private long renewPeriodMillis() {
    return Math.max(200, ttlSeconds * 1000 / 3);
  }

  /** One renewal, then the next: after a TTL/3 when it worked, within a second when it did not. */
  private void renewRound() {
    if (closed.get()) {
      return;
    }
    long next = renewPeriodMillis();
    try {
      renew();
      if (reportedUnreachable) {
        reportedUnreachable = false;
        LOG.info("etcd reachable again; worker {} registered under lease {}", worker, Long.toHexString(leaseId));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      next = Math.min(next, 1000);
      if (!reportedUnreachable) {
        reportedUnreachable = true;
        LOG.warn("cannot renew etcd registration of worker {}, retrying: {}", worker, EtcdClients.describe(e));
      }
    }
    try {
      renewer.schedule(this::renewRound, next, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closing.
    }
  }

  /** One renewal round; throws when etcd cannot be reached (the next round retries). */
  private void renew() throws ExecutionException, TimeoutException, InterruptedException {
    long id = leaseId;
    if (id == 0 || !leaseAlive(id)) {
      if (id != 0) {
        LOG.info("lease {} of worker {} expired; registering again", Long.toHexString(id), worker);
      }
      writeKeysUnderNewLease();
      return;
    }
    GetResponse current = EtcdClients.await(client.getKVClient().get(livenessKey));
    if (current.getKvs().isEmpty()) {
      LOG.info("liveness key of worker {} was removed; writing it again", worker);
      EtcdClients.await(client.getKVClient().put(livenessKey, value, PutOption.builder().withLeaseId(id).build()));
    } else {
      KeyValue kv = current.getKvs().get(0);
      if (kv.getLease() != id) {
        LOG.debug("liveness key of worker {} belongs to lease {} now, not ours", worker, Long.toHexString(kv.getLease()));
      }
    }
  }

  /** Renews {@code id}; false when etcd says the lease is gone. */
  private boolean leaseAlive(long id) throws ExecutionException, TimeoutException, InterruptedException {
    try {
      LeaseKeepAliveResponse r = EtcdClients.await(client.getLeaseClient().keepAliveOnce(id));
      if (r.getTTL() > 0) {
        return true;
      }
    } catch (ExecutionException e) {
      // Either etcd is unreachable or the lease is unknown: ask plainly (throws if unreachable).
    }
    return EtcdClients.await(client.getLeaseClient().timeToLive(id, LeaseOption.DEFAULT)).getTTL() > 0;
  }
}
