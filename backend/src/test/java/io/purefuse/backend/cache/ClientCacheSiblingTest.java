package io.purefuse.backend.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.backend.BackendException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A supervised mount's standby opens its client while its predecessor holds the cache directory:
 * two real sibling processes (children of this JVM, as servers are of their supervisor). The
 * second starts deferred and takes the directory once the first is killed; this JVM, not a
 * sibling, is refused.
 */
@Timeout(120)
class ClientCacheSiblingTest {
  @TempDir Path dir;
  final List<Process> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(Process::destroyForcibly);
  }

  record Holder(Process p, BufferedReader out, PrintWriter in) {
    String ask() throws Exception {
      in.println("active");
      in.flush();
      return out.readLine();
    }
  }

  Holder start() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CacheHolderMain.class.getName(), dir.toString());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    started.add(p);
    return new Holder(p, new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
        new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8));
  }

  @Test
  void theSuccessorWaitsForItsPredecessorAndOthersAreRefused() throws Exception {
    Holder first = start();
    assertThat(first.out().readLine()).isEqualTo("OPEN active=true");
    Holder second = start();
    assertThat(second.out().readLine()).isEqualTo("OPEN active=false");
    assertThat(second.ask()).isEqualTo("active=false");
    // Not a sibling of the holder: a clear error.
    assertThatThrownBy(() -> ClientCache.open(ClientCacheConfig.of(List.of(dir), 1L << 20)))
        .isInstanceOf(BackendException.class).hasMessageContaining("in use by another client");

    first.p().destroyForcibly().waitFor();
    String answer = "";
    for (int i = 0; i < 50 && !answer.equals("active=true"); i++) {
      Thread.sleep(100);
      answer = second.ask();
    }
    assertThat(answer).isEqualTo("active=true");
    second.in().println("exit");
    assertThat(second.p().waitFor()).isZero();
    // Released: this JVM can take it now.
    ClientCache.open(ClientCacheConfig.of(List.of(dir), 1L << 20)).close();
  }
}
