package io.purefuse.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.backend.membership.WorkerIdentity;
import io.purefuse.worker.identity.IdentityStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity lives in the cache directory and survives restarts; directories are not shared. */
class IdentityTest {
  @TempDir Path tmp;

  @Test
  void keptAcrossRestarts() throws Exception {
    Path ufs = Files.createDirectories(tmp.resolve("ufs"));
    Path cache = tmp.resolve("cache");
    WorkerIdentity first;
    int port;
    try (AlluxioWorker w = TestWorker.start(ufs, cache)) {
      first = w.identity();
      port = w.port();
      assertThat(Files.readString(cache.resolve(IdentityStore.FILE)).trim()).isEqualTo(first.toString());
    }
    try (AlluxioWorker w = TestWorker.start(ufs, cache)) {
      assertThat(w.identity()).isEqualTo(first);
      assertThat(w.address().rpcPort()).isEqualTo(w.port());
      assertThat(w.address().dataPort()).isEqualTo(w.port());
      assertThat(w.address().nettyDataPort()).isZero();
      assertThat(w.address().webPort()).isZero();
    }
    assertThat(port).isPositive();
  }

  @Test
  void twoWorkersOnOneHostDoNotCollide() throws Exception {
    Path ufs = Files.createDirectories(tmp.resolve("ufs"));
    try (AlluxioWorker a = TestWorker.start(ufs, tmp.resolve("c1"));
        AlluxioWorker b = TestWorker.start(ufs, tmp.resolve("c2"))) {
      assertThat(a.identity()).isNotEqualTo(b.identity());
      assertThat(a.port()).isNotEqualTo(b.port());
      // A third worker on a directory in use is refused with a clear message.
      assertThatThrownBy(() -> TestWorker.start(ufs, tmp.resolve("c1")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("in use by another worker");
    }
  }

  @Test
  void workersOnLoopbackAliasesServeOnlyTheirAddress() throws Exception {
    Path ufs = Files.createDirectories(tmp.resolve("ufs")).toRealPath();
    WorkerConfig base = TestWorker.config(ufs, null, 16 << 20, 1 << 20, io.purefuse.worker.auth.AuthType.SIMPLE);
    try (AlluxioWorker a = AlluxioWorker.start(withHost(base, "127.0.0.2", tmp.resolve("a")));
        AlluxioWorker b = AlluxioWorker.start(withHost(base, "127.0.0.3", tmp.resolve("b")))) {
      assertThat(a.address().host()).isEqualTo("127.0.0.2");
      assertThat(a.identity()).isNotEqualTo(b.identity());
      for (AlluxioWorker w : new AlluxioWorker[] {a, b}) {
        WorkerClient c = WorkerClient.connect(w.host(), w.port());
        try {
          c.login("gina");
          assertThat(c.blocking().exists(alluxio.grpc.ExistsPRequest.newBuilder().setPath(ufs.toString()).build())
              .getExists()).isTrue();
        } finally {
          c.close();
        }
      }
      // Bound to its alias only: the same port on 127.0.0.1 is not this worker.
      WorkerClient other = WorkerClient.connect("127.0.0.1", a.port());
      try {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> other.blocking()
            .withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS)
            .exists(alluxio.grpc.ExistsPRequest.newBuilder().setPath(ufs.toString()).build()));
        assertThat(t).isInstanceOf(io.grpc.StatusRuntimeException.class);
        assertThat(((io.grpc.StatusRuntimeException) t).getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
      } finally {
        other.close();
      }
    }
  }

  private static WorkerConfig withHost(WorkerConfig c, String host, Path cacheDir) {
    return new WorkerConfig(c.ufsRoot(), host, 0, cacheDir, true, c.cacheBytes(), c.pageSize(), c.etcdEndpoints(),
        c.clusterName(), c.authType(), c.leaseTtl(), c.readWindowBytes());
  }

  @Test
  void aCorruptIdentityFileIsAClearError() throws Exception {
    Path ufs = Files.createDirectories(tmp.resolve("ufs"));
    Path cache = Files.createDirectories(tmp.resolve("cache"));
    Files.writeString(cache.resolve(IdentityStore.FILE), "garbage\n");
    assertThatThrownBy(() -> TestWorker.start(ufs, cache))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not hold a UUID");
  }
}
