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
  void aCorruptIdentityFileIsAClearError() throws Exception {
    Path ufs = Files.createDirectories(tmp.resolve("ufs"));
    Path cache = Files.createDirectories(tmp.resolve("cache"));
    Files.writeString(cache.resolve(IdentityStore.FILE), "garbage\n");
    assertThatThrownBy(() -> TestWorker.start(ufs, cache))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not hold a UUID");
  }
}
