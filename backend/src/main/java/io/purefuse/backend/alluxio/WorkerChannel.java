package io.purefuse.backend.alluxio;

import alluxio.grpc.BlockWorkerGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.purefuse.backend.membership.WorkerInfo;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC connection to one worker, shared by every call and stream to it, with its login:
 * under {@code SIMPLE} the channel logs in on first use (and again after the worker dropped the
 * login stream, e.g. because it restarted) and every call carries the channel id.
 */
final class WorkerChannel implements AutoCloseable {
  /** Largest message accepted from a worker. */
  static final int MAX_INBOUND_MESSAGE = 64 << 20;

  private final WorkerInfo worker;
  private final AlluxioClientConfig config;
  private final ManagedChannel raw;
  private final Channel channel;
  private volatile SaslLogin login;
  private volatile boolean closed;

  WorkerChannel(WorkerInfo worker, AlluxioClientConfig config) {
    this.worker = worker;
    this.config = config;
    this.raw = NettyChannelBuilder.forAddress(worker.address().host(), worker.address().rpcPort())
        .usePlaintext()
        // A ListStatus batch can be large (the worker picks its size); data chunks are 1 MiB.
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE)
        .build();
    this.channel = ClientInterceptors.intercept(raw, SaslLogin.channelIdInterceptor(() -> {
      SaslLogin l = login;
      return l == null ? null : l.channelId();
    }));
  }

  WorkerInfo worker() {
    return worker;
  }

  /**
   * The channel to call on, logged in if the configuration asks for it.
   *
   * @throws io.grpc.StatusRuntimeException the login failed (see {@link SaslLogin#login})
   */
  Channel channel() {
    if (config.authType() == AlluxioClientConfig.AuthType.SIMPLE) {
      SaslLogin l = login;
      if (l == null || !l.isAlive()) {
        relogin(l);
      }
    }
    return channel;
  }

  /** A blocking stub with the per-call deadline. */
  BlockWorkerGrpc.BlockWorkerBlockingStub blocking() {
    return blocking(config.rpcTimeout());
  }

  /** A blocking stub with deadline {@code timeout} (long calls such as LoadFile). */
  BlockWorkerGrpc.BlockWorkerBlockingStub blocking(java.time.Duration timeout) {
    return BlockWorkerGrpc.newBlockingStub(channel()).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** An async stub without deadline (streams bound their waits themselves). */
  BlockWorkerGrpc.BlockWorkerStub async() {
    return BlockWorkerGrpc.newStub(channel());
  }

  /** Forgets the login {@code stale} (the worker answered UNAUTHENTICATED): the next call logs in again. */
  synchronized void invalidateLogin(SaslLogin stale) {
    if (login == stale && stale != null) {
      stale.close();
      login = null;
    }
  }

  SaslLogin currentLogin() {
    return login;
  }

  private synchronized void relogin(SaslLogin seen) {
    if (closed) {
      throw io.grpc.Status.UNAVAILABLE.withDescription("channel to " + worker + " is closed").asRuntimeException();
    }
    if (login != seen && login != null && login.isAlive()) {
      return; // another thread logged in meanwhile
    }
    if (login != null) {
      login.close();
    }
    login = SaslLogin.login(raw, config.user(), "purefuse-fuse-client-" + worker.address(), config.rpcTimeout());
  }

  /** Ends the login and shuts the connection down (in-flight calls fail). Idempotent. */
  @Override
  public void close() {
    SaslLogin l;
    synchronized (this) {
      closed = true;
      l = login;
      login = null;
    }
    if (l != null) {
      l.close();
    }
    raw.shutdownNow();
  }

  @Override
  public String toString() {
    return "WorkerChannel{" + worker + "}";
  }
}
