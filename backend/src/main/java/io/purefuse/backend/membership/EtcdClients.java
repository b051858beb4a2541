package io.purefuse.backend.membership;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** jetcd plumbing shared by registration and membership: client settings and bounded waits. */
final class EtcdClients {
  /** Longest any single etcd call may take before the caller gives up and retries later. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

  private EtcdClients() {}

  /**
   * A client that fails calls fast while etcd is unreachable (no wait-for-ready, short internal
   * retries), so the periodic loops above it decide when to try again.
   */
  static Client build(EtcdConfig etcd) {
    // Normalized and checked here too, for configs built in code rather than from properties.
    List<String> endpoints = MembershipProperties.parseEndpoints(String.join(",", etcd.endpoints()));
    return Client.builder()
        .endpoints(endpoints.toArray(String[]::new))
        .connectTimeout(Duration.ofSeconds(2))
        .waitForReady(false)
        .retryMaxDuration(Duration.ofSeconds(2))
        .retryDelay(100)
        .retryMaxDelay(1000)
        .keepaliveTime(Duration.ofSeconds(10))
        .keepaliveTimeout(Duration.ofSeconds(5))
        .build();
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** Waits up to {@link #CALL_TIMEOUT}; cancels the call on timeout or interrupt. */
  static <T> T await(CompletableFuture<T> f) throws ExecutionException, TimeoutException, InterruptedException {
    try {
      return f.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | InterruptedException e) {
      f.cancel(true);
      throw e;
    }
  }

  static ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  static String describe(Throwable t) {
    Throwable c = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }
}
