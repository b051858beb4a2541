package io.purefuse.backend.membership;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live workers of an Alluxio cluster as etcd holds them: the values under
 * {@code /ServiceDiscovery/<cluster>/}, which is what Alluxio's own clients read (a worker is
 * live while its lease is). The ring prefix {@code /DHT/<cluster>/AUTHORIZED/} is not consulted.
 *
 * <p>One internal thread lists the prefix (at start, then every {@code refresh} as a safety net),
 * watches it from the listed revision on (puts, deletes, lease expiry), and publishes an
 * immutable snapshot that {@link #liveWorkers()} returns without blocking. While etcd is
 * unreachable the last known set stays; the thread keeps listing and, once etcd answers,
 * re-watches. Values that do not decode as {@link EtcdWorkerRecord} are skipped (logged once).
 */
public final class EtcdMembership implements Membership {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdMembership.class);
  /** Default re-list period (Alluxio's clients refresh about once a second). */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(2);

  private final EtcdConfig config;
  private final Client client;
  private final ByteSequence prefix;
  private final ScheduledExecutorService loop;
  private final CopyOnWriteArrayList<Consumer<List<WorkerInfo>>> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch firstSync = new CountDownLatch(1);

  // Touched only on the loop thread.
  private final Map<String, Entry> byKey = new HashMap<>();
  private final Map<String, Long> badRecordsLogged = new HashMap<>();
  private long appliedRevision;
  private Watch.Watcher watcher;
  private boolean reportedUnreachable;

  private volatile List<WorkerInfo> live = List.of();
  private volatile boolean connected;
  private volatile boolean closed;

  private record Entry(WorkerInfo worker, long modRevision) {}

  private EtcdMembership(EtcdConfig config, Duration refresh) {
    this.config = config;
    this.client = EtcdClients.build(config);
    this.prefix = EtcdClients.bytes(new EtcdKeys(config.clusterName()).livenessPrefix());
    this.loop = Executors.newSingleThreadScheduledExecutor(EtcdClients.daemonThreads("etcd-membership"));
    long period = Math.max(100, refresh.toMillis());
    loop.scheduleWithFixedDelay(this::relist, 0, period, TimeUnit.MILLISECONDS);
  }

  /** Starts watching with {@link #DEFAULT_REFRESH}; see {@link #start(EtcdConfig, Duration)}. */
  public static EtcdMembership start(EtcdConfig config) {
    return start(config, DEFAULT_REFRESH);
  }

  /**
   * Starts listing and watching. Waits up to a few seconds for the first listing so the set is
   * populated on return when etcd is up; when it is not, returns anyway with an empty set that
   * fills in once etcd answers.
   */
  public static EtcdMembership start(EtcdConfig config, Duration refresh) {
    EtcdMembership m = new EtcdMembership(config, refresh);
    try {
      if (!m.firstSync.await(EtcdClients.CALL_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS)) {
        LOG.warn("etcd {} did not answer yet; starting with no live workers", config.endpoints());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return m;
  }

  @Override
  public List<WorkerInfo> liveWorkers() {
    return live;
  }

  /** Whether the last listing of etcd succeeded (false while etcd is unreachable). */
  public boolean connected() {
    return connected;
  }

  @Override
  public void addListener(Consumer<List<WorkerInfo>> listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.shutdownNow();
    try {
      loop.awaitTermination(EtcdClients.CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Watch.Watcher w = watcher;
    if (w != null) {
      w.close();
    }
    client.close();
  }

  private void relist() {
    if (closed) {
      return;
    }
    try {
      GetResponse r = EtcdClients.await(client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build()));
      long revision = r.getHeader().getRevision();
      // The watch may already have applied changes past this listing; it then stays ahead.
      if (revision >= appliedRevision) {
        byKey.clear();
        for (KeyValue kv : r.getKvs()) {
          put(kv);
        }
        appliedRevision = revision;
        badRecordsLogged.keySet().retainAll(byKeyNames(r.getKvs()));
        publish();
      }
      connected = true;
      if (reportedUnreachable) {
        reportedUnreachable = false;
        LOG.info("etcd {} reachable again; {} live workers", config.endpoints(), live.size());
      }
      if (watcher == null || watcher.isClosed()) {
        startWatch(revision + 1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      connected = false;
      if (!reportedUnreachable && !closed) {
        reportedUnreachable = true;
        LOG.warn("cannot list workers in etcd {}, keeping the last {} live workers: {}",
            config.endpoints(), live.size(), EtcdClients.describe(e));
      }
    } finally {
      firstSync.countDown();
    }
  }

  private static java.util.Set<String> byKeyNames(List<KeyValue> kvs) {
    java.util.Set<String> names = new HashSet<>();
    for (KeyValue kv : kvs) {
      names.add(kv.getKey().toString(StandardCharsets.UTF_8));
    }
    return names;
  }

  private void startWatch(long fromRevision) {
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(fromRevision).build();
    watcher = client.getWatchClient().watch(prefix, option, Watch.listener(
        response -> onLoop(() -> apply(response)),
        error -> onLoop(() -> watchEnded("failed: " + EtcdClients.describe(error))),
        () -> onLoop(() -> watchEnded("completed"))));
  }

  private void watchEnded(String why) {
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
    LOG.info("etcd watch on {} {}; re-listing", prefix.toString(StandardCharsets.UTF_8), why);
    relist();
  }

  private void onLoop(Runnable r) {
    if (closed) {
      return;
    }
    try {
      loop.execute(r);
    } catch (RejectedExecutionException e) {
      // Closing.
    }
  }

  private void apply(WatchResponse response) {
    boolean changed = false;
    // Events of one transaction share a revision, so compare with the revision before this batch.
    long listed = appliedRevision;
    for (WatchEvent event : response.getEvents()) {
      KeyValue kv = event.getKeyValue();
      long revision = kv.getModRevision();
      if (revision <= listed) {
        continue; // already in a listing
      }
      switch (event.getEventType()) {
        case PUT:
          put(kv);
          break;
        case DELETE:
          byKey.remove(kv.getKey().toString(StandardCharsets.UTF_8));
          break;
        default:
          continue;
      }
      appliedRevision = Math.max(appliedRevision, revision);
      changed = true;
    }
    if (changed) {
      publish();
    }
  }

  private void put(KeyValue kv) {
    String key = kv.getKey().toString(StandardCharsets.UTF_8);
    try {
      byKey.put(key, new Entry(EtcdWorkerRecord.decode(kv.getValue().getBytes()), kv.getModRevision()));
      badRecordsLogged.remove(key);
    } catch (IllegalArgumentException e) {
      byKey.remove(key);
      Long logged = badRecordsLogged.put(key, kv.getModRevision());
      if (logged == null || logged != kv.getModRevision()) {
        LOG.warn("ignoring etcd key {}: {}", key, e.getMessage());
      }
    }
  }

  private void publish() {
    // One entry per identity: a key renamed by hand must not put a worker on the ring twice.
    Map<WorkerIdentity, Entry> byId = new HashMap<>();
    for (Entry e : byKey.values()) {
      byId.merge(e.worker().identity(), e, (a, b) -> a.modRevision() >= b.modRevision() ? a : b);
    }
    List<WorkerInfo> next = new ArrayList<>();
    for (Entry e : byId.values()) {
      next.add(e.worker());
    }
    next.sort(Comparator.comparing(w -> w.identity().uuid()));
    List<WorkerInfo> snapshot = List.copyOf(next);
    if (snapshot.equals(live)) {
      return;
    }
    live = snapshot;
    LOG.info("live workers ({}): {}", snapshot.size(), snapshot);
    for (Consumer<List<WorkerInfo>> l : listeners) {
      try {
        l.accept(snapshot);
      } catch (RuntimeException e) {
        LOG.warn("membership listener failed", e);
      }
    }
  }
}
