package io.purefuse.backend.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.backend.BackendException;
import io.purefuse.backend.Backends;
import io.purefuse.backend.Capability;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.InvalidArgumentException;
import io.purefuse.backend.alluxio.AlluxioWorkerBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Backends.fromProperties} with the client cache properties (a static cluster; no worker needs to run). */
class ClientCacheBackendsTest {
  @TempDir Path tmp;

  private Map<String, String> cluster() {
    Map<String, String> p = new HashMap<>();
    p.put("alluxio.dora.client.ufs.root", "s3://bucket/data");
    p.put("purefuse.workers", "127.0.0.1:1");
    return p;
  }

  @Test
  void enabledGivesTheWorkerClientACacheAndPassthroughFds() throws Exception {
    Map<String, String> p = cluster();
    p.put(ClientCacheConfig.ENABLED, "true");
    p.put(ClientCacheConfig.DIRS, tmp.toString());
    p.put(ClientCacheConfig.SIZE, "64MB");
    try (FileSystemBackend b = Backends.fromProperties(p)) {
      AlluxioWorkerBackend w = (AlluxioWorkerBackend) b;
      assertThat(w.clientCache()).isNotNull();
      assertThat(w.clientCache().config().sizes()).containsExactly(64L << 20);
      assertThat(b.capabilities()).contains(Capability.BACKING_FD);
      assertThat(Files.isDirectory(tmp.resolve("purefuse-client-cache"))).isTrue();
      assertThat(w.clientCache().active()).isTrue();
      // The directory is this client's while it runs.
      p.put(ClientCacheConfig.DIRS, tmp.toString());
      assertThatThrownBy(() -> Backends.fromProperties(p))
          .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BUSY));
    }
    // Released at close: a new client takes it.
    try (FileSystemBackend again = Backends.fromProperties(p)) {
      assertThat(((AlluxioWorkerBackend) again).clientCache()).isNotNull();
    }
  }

  @Test
  void offByDefaultAndBadValuesFailTheClient() throws Exception {
    try (FileSystemBackend b = Backends.fromProperties(cluster())) {
      assertThat(((AlluxioWorkerBackend) b).clientCache()).isNull();
      assertThat(b.capabilities()).doesNotContain(Capability.BACKING_FD);
    }
    Map<String, String> p = cluster();
    p.put(ClientCacheConfig.STORE_TYPE, "ROCKS");
    assertThatThrownBy(() -> Backends.fromProperties(p)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(ClientCacheConfig.STORE_TYPE);
  }
}
