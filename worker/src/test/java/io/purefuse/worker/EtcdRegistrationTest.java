package io.purefuse.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.purefuse.worker.auth.AuthType;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With etcd endpoints the worker registers (ring key and leased liveness key, its identity and
 * address in the JSON) and leaves on close. Runs a real etcd. Aborted (not failed) while
 * backend's {@code EtcdWorkerRegistration} is still the placeholder.
 */
class EtcdRegistrationTest {
  @TempDir Path tmp;
  Process etcd;

  @AfterEach
  void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.destroyForcibly();
      etcd.waitFor(10, TimeUnit.SECONDS);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  String startEtcd() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/etcd")), "no /usr/bin/etcd");
    int client = freePort();
    int peer = freePort();
    String url = "http://127.0.0.1:" + client;
    etcd = new ProcessBuilder("/usr/bin/etcd", "--name", "t", "--data-dir", tmp.resolve("etcd").toString(),
        "--listen-client-urls", url, "--advertise-client-urls", url,
        "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
        "--initial-cluster", "t=http://127.0.0.1:" + peer)
        .redirectErrorStream(true).redirectOutput(tmp.resolve("etcd.log").toFile()).start();
    return url;
  }

  static List<KeyValue> keys(Client c, String prefix) throws Exception {
    return c.getKVClient().get(ByteSequence.from(prefix, StandardCharsets.UTF_8),
        GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs();
  }

  @Test
  void registersAndLeaves() throws Exception {
    String url = startEtcd();
    Path ufs = Files.createDirectories(tmp.resolve("ufs"));
    try (Client c = Client.builder().endpoints(url).build()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          keys(c, "/");
          break;
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(200);
        }
      }
      WorkerConfig cfg = new WorkerConfig(ufs, "127.0.0.1", 0, tmp.resolve("cache"), true, 16 << 20, 1 << 20,
          List.of(url), "compat-cluster", AuthType.SIMPLE, Duration.ofSeconds(30), 4 << 20);
      AlluxioWorker w;
      try {
        w = AlluxioWorker.start(cfg);
      } catch (UnsupportedOperationException e) {
        Assumptions.abort("backend's EtcdWorkerRegistration is still a placeholder: " + e.getMessage());
        return;
      }
      String name = "worker-" + w.identity();
      try {
        List<KeyValue> live = keys(c, "/ServiceDiscovery/compat-cluster/");
        assertThat(live).hasSize(1);
        assertThat(live.get(0).getKey().toString(StandardCharsets.UTF_8)).endsWith(name);
        String json = live.get(0).getValue().toString(StandardCharsets.UTF_8);
        assertThat(json).contains(w.identity().hexIdentifier()).containsPattern("\"RpcPort\"\\s*:\\s*" + w.port() + "\\b");
        assertThat(keys(c, "/DHT/compat-cluster/AUTHORIZED/" + name)).hasSize(1);
      } finally {
        w.close();
      }
      assertThat(keys(c, "/ServiceDiscovery/compat-cluster/")).isEmpty();
      // The ring place stays.
      assertThat(keys(c, "/DHT/compat-cluster/AUTHORIZED/" + name)).hasSize(1);
    }
  }
}
