package io.purefuse.worker;

import static org.assertj.core.api.Assertions.assertThat;

import alluxio.grpc.ExistsPRequest;
import io.purefuse.worker.identity.IdentityStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real command in its own JVM: readiness line, SIGTERM exits 0, identity across restarts. */
class WorkerProcessTest {
  static final Pattern READY = Pattern.compile("alluxio-worker ready host=(\\S+) port=(\\d+) identity=(\\S+)");

  @TempDir Path tmp;
  final List<Process> started = new ArrayList<>();

  @AfterEach
  void killAll() throws Exception {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  Process launch(Path stderr, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.purefuse.worker.cli.WorkerCommand"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
    started.add(p);
    return p;
  }

  static Matcher awaitReady(Process p) throws Exception {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        return r.readLine();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    String l = line.get(60, TimeUnit.SECONDS);
    assertThat(l).as("readiness line").isNotNull();
    Matcher m = READY.matcher(l);
    assertThat(m.matches()).as(l).isTrue();
    return m;
  }

  @Test
  void servesUntilSigtermThenExitsZeroAndKeepsItsIdentity() throws Exception {
    Path ufs = Files.createDirectories(tmp.resolve("ufs")).toRealPath();
    Path cache = tmp.resolve("cache");
    Path err = tmp.resolve("stderr1");
    Process p = launch(err, "--ufs", ufs.toString(), "--port", "0", "--cache-dir", cache.toString(),
        "--cache-size", "64MB", "--page-size", "1MB");
    Matcher m = awaitReady(p);
    assertThat(m.group(1)).isEqualTo("127.0.0.1");
    int port = Integer.parseInt(m.group(2));
    String identity = m.group(3);
    assertThat(Files.readString(cache.resolve(IdentityStore.FILE)).trim()).isEqualTo(identity);
    try (WorkerClient c = WorkerClient.loggedIn(port, "erin")) {
      assertThat(c.blocking().exists(ExistsPRequest.newBuilder().setPath(ufs.toString()).build()).getExists()).isTrue();
    }
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(Files.readString(err)).contains("stopped; cache: hits=");

    Process again = launch(tmp.resolve("stderr2"), "--ufs", ufs.toString(), "--port", "0", "--cache-dir", cache.toString());
    assertThat(awaitReady(again).group(3)).isEqualTo(identity);
    again.destroy();
    assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(again.exitValue()).isZero();
  }

  @Test
  void badSettingsFailWithAMessage() throws Exception {
    Path err = tmp.resolve("stderr");
    Process p = launch(err, "--port", "0");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(err)).contains("no UFS root");

    Process q = launch(err, "--ufs", tmp.resolve("missing").toString(), "--port", "0");
    assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(q.exitValue()).isEqualTo(1);
    assertThat(Files.readString(err)).contains("cannot serve UFS root");
  }

  @Test
  void propertiesFileAndDefines() throws Exception {
    Path ufs = Files.createDirectories(tmp.resolve("ufs")).toRealPath();
    Path conf = tmp.resolve("alluxio-site.properties");
    Files.writeString(conf, "alluxio.dora.client.ufs.root=" + ufs + "\nalluxio.worker.rpc.port=0\n"
        + "alluxio.security.authentication.type=SIMPLE\n");
    Process p = launch(tmp.resolve("stderr"), "--conf", conf.toString(), "-D", "alluxio.security.authentication.type=NOSASL");
    int port = Integer.parseInt(awaitReady(p).group(2));
    // -D wins over the file: NOSASL, so no login is needed.
    try (WorkerClient c = WorkerClient.connect(port)) {
      assertThat(c.blocking().exists(ExistsPRequest.newBuilder().setPath(ufs + "/x").build()).getExists()).isFalse();
    }
    p.destroy();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }
}
