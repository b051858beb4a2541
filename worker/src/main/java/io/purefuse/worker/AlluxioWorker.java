package io.purefuse.worker;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.backend.membership.EtcdConfig;
import io.purefuse.backend.membership.EtcdWorkerRegistration;
import io.purefuse.backend.membership.WorkerAddress;
import io.purefuse.backend.membership.WorkerIdentity;
import io.purefuse.backend.membership.WorkerInfo;
import io.purefuse.worker.auth.AuthType;
import io.purefuse.worker.auth.AuthenticatedChannels;
import io.purefuse.worker.auth.ChannelAuthInterceptor;
import io.purefuse.worker.auth.SaslAuthenticationService;
import io.purefuse.worker.cache.CacheStats;
import io.purefuse.worker.cache.PageCache;
import io.purefuse.worker.grpc.BlockWorkerService;
import io.purefuse.worker.grpc.ServiceVersionService;
import io.purefuse.worker.grpc.UfsFiles;
import io.purefuse.worker.identity.IdentityStore;
import io.purefuse.worker.ufs.UfsPathMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running cache worker: the BlockWorker, authentication and service-version gRPC services on
 * one port, the
 * page cache, the identity and (with etcd endpoints) the membership registration.
 *
 * <p>Advertised address: {@code WorkerAddress(host, rpcPort, dataPort = rpcPort,
 * nettyDataPort = 0, webPort = 0)}: all data moves over gRPC on the rpc port, and the Netty data
 * port and web port are not served, so they are published as 0.
 */
public final class AlluxioWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlluxioWorker.class);

  private final WorkerConfig config;
  private final Server server;
  private final PageCache cache;
  private final LocalUnderFileSystem ufs;
  private final BlockWorkerService blockWorker;
  private final ExecutorService readExecutor;
  private final IdentityStore identityStore;
  private final WorkerIdentity identity;
  private final AuthenticatedChannels channels;
  private final SaslAuthenticationService sasl;
  private volatile EtcdWorkerRegistration registration;
  private boolean closed;

  private AlluxioWorker(WorkerConfig config, Server server, PageCache cache, LocalUnderFileSystem ufs,
      BlockWorkerService blockWorker, ExecutorService readExecutor, IdentityStore identityStore,
      WorkerIdentity identity, AuthenticatedChannels channels, SaslAuthenticationService sasl) {
    this.config = config;
    this.server = server;
    this.cache = cache;
    this.ufs = ufs;
    this.blockWorker = blockWorker;
    this.readExecutor = readExecutor;
    this.identityStore = identityStore;
    this.identity = identity;
    this.channels = channels;
    this.sasl = sasl;
  }

  /**
   * Starts serving (and registers in etcd if configured).
   *
   * @throws IOException the UFS root, cache directory or port cannot be used, or registration failed
   */
  public static AlluxioWorker start(WorkerConfig config) throws IOException {
    LocalUnderFileSystem ufs = null;
    IdentityStore ids = null;
    PageCache cache = null;
    ExecutorService reads = null;
    Server server = null;
    try {
      try {
        // Parent symlinks are checked by the path mapper (and refused with PERMISSION_DENIED).
        ufs = LocalUnderFileSystem.open(config.ufsRoot(), false);
      } catch (BackendException e) {
        throw new IOException("cannot serve UFS root " + config.ufsRoot() + ": " + e.getMessage(), e);
      }
      WorkerIdentity identity;
      if (config.cacheDir() != null) {
        ids = IdentityStore.open(config.cacheDir());
        identity = ids.identity();
      } else {
        identity = WorkerIdentity.random();
        LOG.warn("no cache directory: pages are kept in memory and the identity {} lasts only this run{}", identity,
            config.etcdEndpoints().isEmpty() ? ""
                : " (each restart joins etcd as a new worker: give --cache-dir to keep the ring place)");
      }
      cache = config.pagesOnDisk()
          ? PageCache.onDisk(config.cacheDir(), config.cacheBytes(), config.pageSize())
          : PageCache.inMemory(config.cacheBytes(), config.pageSize());
      reads = Executors.newCachedThreadPool(daemonThreads("worker-read-"));
      UfsFiles files = new UfsFiles(ufs, new UfsPathMapper(config.ufsRoot(), ufs.root()), cache);
      BlockWorkerService blockWorker = new BlockWorkerService(files, reads, config.readWindowBytes());
      AuthenticatedChannels channels = new AuthenticatedChannels();
      SaslAuthenticationService sasl = new SaslAuthenticationService(channels);
      NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.rpcPort()))
          .maxInboundMessageSize(64 << 20)
          // Clients keep channels (and login streams) open for long and may ping to keep them
          // alive; gRPC's default (a ping per 5 min at most) would cut them off.
          .permitKeepAliveTime(10, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          .addService(sasl)
          // Like the login service, asked before login: never behind the channel check.
          .addService(new ServiceVersionService());
      if (config.authType() == AuthType.SIMPLE) {
        b.addService(ServerInterceptors.intercept(blockWorker, new ChannelAuthInterceptor(channels)));
      } else {
        b.addService(blockWorker);
      }
      server = b.build().start();
      AlluxioWorker w = new AlluxioWorker(config, server, cache, ufs, blockWorker, reads, ids, identity, channels, sasl);
      LOG.info("worker {} serving {} on {}:{} ({}, cache {})", identity, ufs.root(), config.host(), w.port(),
          config.authType(), cache.describe());
      if (!config.etcdEndpoints().isEmpty()) {
        w.register();
      }
      return w;
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.shutdownNow();
      }
      if (reads != null) {
        reads.shutdownNow();
      }
      if (cache != null) {
        cache.close();
      }
      if (ids != null) {
        ids.close();
      }
      if (ufs != null) {
        ufs.close();
      }
      throw e;
    }
  }

  private void register() throws IOException {
    EtcdConfig etcd = new EtcdConfig(config.etcdEndpoints(), config.clusterName());
    WorkerInfo me = new WorkerInfo(identity, address());
    registration = EtcdWorkerRegistration.register(etcd, me, config.leaseTtl());
    LOG.info("registered {} in etcd {} (cluster {})", me, config.etcdEndpoints(), etcd.clusterName());
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The bound gRPC port. */
  public int port() {
    return server.getPort();
  }

  public String host() {
    return config.host();
  }

  public WorkerIdentity identity() {
    return identity;
  }

  /** The address published in etcd: data over gRPC on the rpc port; Netty data and web ports not served (0). */
  public WorkerAddress address() {
    return new WorkerAddress(config.host(), port(), port(), 0, 0);
  }

  public PageCache cache() {
    return cache;
  }

  public CacheStats stats() {
    return cache.stats();
  }

  /** Channels logged in now. */
  public int authenticatedChannels() {
    return channels.size();
  }

  /** Blocks until the server has terminated. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Leaves the cluster (revokes the etcd lease), stops accepting calls, lets running calls finish
   * (up to 10 s), completes files still open for writing and logs the cache counters. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    EtcdWorkerRegistration r = registration;
    if (r != null) {
      try {
        r.close();
      } catch (RuntimeException e) {
        LOG.warn("leaving etcd: {}", e.toString());
      }
    }
    server.shutdown();
    // Clients keep their login streams open for the channel's life: end them, or shutdown
    // would wait for its timeout.
    sasl.revokeAll();
    try {
      if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    readExecutor.shutdownNow();
    blockWorker.closeOpenFiles();
    LOG.info("worker {} stopped; cache: {}", identity, cache.stats());
    cache.close();
    ufs.close();
    if (identityStore != null) {
      try {
        identityStore.close();
      } catch (IOException e) {
        LOG.warn("releasing the cache directory lock: {}", e.toString());
      }
    }
  }
}
